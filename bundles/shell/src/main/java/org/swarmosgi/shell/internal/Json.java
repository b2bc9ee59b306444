package org.swarmosgi.shell.internal;

import java.util.Collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;

/**
 * The documents {@code --json} prints: one JSON document per command, on one line, camelCase
 * fields; a failure is {@code {"error":"cannot ..."}} with the same line the text would show.
 * Documents are built as Jackson trees (field names written out here, no reflection on our
 * classes). Incarnations and worker ids are 64-bit: incarnations are hex strings as in the text,
 * since JavaScript's numbers lose digits past 2^53.
 */
final class Json {

    /** Thread-safe once configured; shared by every command. */
    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static ArrayNode strings(Collection<String> values) {
        final ArrayNode a = array();
        values.forEach(a::add);
        return a;
    }

    /** The document on one line. */
    static String write(ObjectNode document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) { // a tree of plain nodes always serializes
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** {@code {"error": line}}: what a command prints with --json when it fails. */
    static String error(String line) {
        return write(object().put("error", line));
    }

    /** A failure line as text, or as {@code {"error": ...}} with --json. */
    static String error(boolean json, String line) {
        return json ? error(line) : line;
    }

    /** {@code {"node":"alpha","incarnation":"1a2b"}}. */
    static ObjectNode node(NodeId id) {
        return object().put("node", id.name()).put("incarnation", Long.toHexString(id.incarnation()));
    }

    /** A worker: {@code {"ref":"<alpha#1a2b.1>","node":"alpha","incarnation":"1a2b","id":1}}. */
    static ObjectNode ref(WorkerRef ref) {
        if (ref == null) {
            return null;
        }
        final ObjectNode o = object().put("ref", ref.toString());
        o.setAll(node(ref.node()));
        return o.put("id", ref.id());
    }

    /** A member: node, incarnation and transport endpoint. */
    static ObjectNode member(Member m) {
        return node(m.id()).put("endpoint", m.endpoint().toString());
    }
}
