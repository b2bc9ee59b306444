package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads a Kubernetes {@code PodList} (GET /api/v1/namespaces/{ns}/pods) with Jackson's streaming
 * parser, keeping only name, uid, deletion, IP, phase and the Ready condition and skipping everything else.
 * Strict where a mistake would cost members: the root must be an object of kind PodList with an
 * items field, the fields read must have the expected JSON types, and a pod IP must be an IP literal.
 */
final class PodListParser {

    /** The body is not a PodList. */
    static final class MalformedPodListException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedPodListException(String message) {
            super(message);
        }
    }

    private final JsonFactory factory = JsonFactory.builder().build();

    List<Pod> parse(byte[] body) throws MalformedPodListException {
        try (JsonParser p = factory.createParser(body)) {
            final List<Pod> pods = parseRoot(p);
            if (p.nextToken() != null) {
                throw new MalformedPodListException("trailing content after the PodList at " + at(p.currentLocation()));
            }
            return pods;
        } catch (JsonProcessingException e) {
            // Syntax errors, truncation and Jackson's read limits (nesting, string length).
            throw new MalformedPodListException("not valid JSON: " + e.getOriginalMessage() + " at " + at(e.getLocation()));
        } catch (IOException e) {
            throw new MalformedPodListException("unreadable: " + e);
        }
    }

    private static List<Pod> parseRoot(JsonParser p) throws IOException, MalformedPodListException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedPodListException("expected a JSON object, found " + p.currentToken());
        }
        String kind = null;
        List<Pod> pods = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "kind" -> kind = string(p, "kind");
                case "items" -> pods = items(p);
                default -> p.skipChildren();
            }
        }
        if (!"PodList".equals(kind)) {
            throw new MalformedPodListException("expected kind PodList, found " + kind);
        }
        if (pods == null) {
            throw new MalformedPodListException("PodList without items");
        }
        return pods;
    }

    private static List<Pod> items(JsonParser p) throws IOException, MalformedPodListException {
        final List<Pod> pods = new ArrayList<>();
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return pods; // an empty list may be serialized as null
        }
        expect(p, JsonToken.START_ARRAY, "items");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            pods.add(pod(p));
        }
        return pods;
    }

    private static Pod pod(JsonParser p) throws IOException, MalformedPodListException {
        expect(p, JsonToken.START_OBJECT, "items[]");
        final String[] meta = {null, "", null};     // name, uid, deletionTimestamp
        final String[] status = {"", "", "False"}; // phase, podIP, Ready
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "metadata" -> metadata(p, meta);
                case "status" -> status(p, status);
                default -> p.skipChildren();
            }
        }
        if (meta[0] == null || meta[0].isEmpty()) {
            throw new MalformedPodListException("pod without metadata.name");
        }
        if (!status[1].isEmpty()) {
            try {
                PodTarget.parseIp(status[1]);
            } catch (IllegalArgumentException e) {
                throw new MalformedPodListException("pod " + meta[0] + ": status.podIP is " + e.getMessage());
            }
        }
        return new Pod(meta[0], meta[1], status[1], status[0], "True".equals(status[2]), meta[2] != null);
    }

    private static void metadata(JsonParser p, String[] meta) throws IOException, MalformedPodListException {
        expect(p, JsonToken.START_OBJECT, "metadata");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> meta[0] = string(p, "metadata.name");
                case "uid" -> meta[1] = orEmpty(string(p, "metadata.uid"));
                case "deletionTimestamp" -> meta[2] = string(p, "metadata.deletionTimestamp");
                default -> p.skipChildren();
            }
        }
    }

    private static void status(JsonParser p, String[] status) throws IOException, MalformedPodListException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_OBJECT, "status");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "phase" -> status[0] = orEmpty(string(p, "status.phase"));
                case "podIP" -> status[1] = orEmpty(string(p, "status.podIP"));
                case "conditions" -> status[2] = readyCondition(p);
                default -> p.skipChildren();
            }
        }
    }

    /** The status of the Ready condition, "False" when there is none. */
    private static String readyCondition(JsonParser p) throws IOException, MalformedPodListException {
        String ready = "False";
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return ready;
        }
        expect(p, JsonToken.START_ARRAY, "status.conditions");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT, "status.conditions[]");
            String type = null;
            String value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "type" -> type = string(p, "status.conditions[].type");
                    case "status" -> value = string(p, "status.conditions[].status");
                    default -> p.skipChildren();
                }
            }
            if ("Ready".equals(type) && value != null) {
                ready = value;
            }
        }
        return ready;
    }

    private static String string(JsonParser p, String what) throws IOException, MalformedPodListException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> throw new MalformedPodListException(
                    what + " must be a string, found " + p.currentToken() + " at " + at(p.currentLocation()));
        };
    }

    private static void expect(JsonParser p, JsonToken token, String what) throws MalformedPodListException {
        if (p.currentToken() != token) {
            throw new MalformedPodListException(
                    what + ": expected " + token + ", found " + p.currentToken() + " at " + at(p.currentLocation()));
        }
    }

    /** Line and column only: Jackson's own text adds a note about the hidden source. */
    private static String at(JsonLocation location) {
        return location == null ? "?" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
