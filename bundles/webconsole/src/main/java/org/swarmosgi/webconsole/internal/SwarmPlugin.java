package org.swarmosgi.webconsole.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.host.WorkerHost;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.node.LocalNode;

/**
 * The "Swarm" page of the Apache Felix Web Console (5.x, Jakarta Servlet): a plain servlet service
 * with the Web Console's label and title properties, so the console serves it at
 * {@code /system/console/swarm} behind its own login, with its header and menu around
 * {@code GET /swarm}, and without them around {@code GET /swarm/state.json} (a URI with an extension).
 * It is not registered with the HTTP whiteboard itself: nothing of it is reachable without the console.
 *
 * <p>The page is a fixed skeleton; its script ({@code /swarm/res/swarm.js}, served by the console from
 * this bundle) polls {@code state.json} every second and draws the nodes, the ring as a donut of shares,
 * worker types, groups and events with DOM text only, so that no node or worker name can become markup.
 *
 * <p>LocalNode is mandatory; Membership, the SwarmRegistry and the WorkerHost come and go, their
 * absence is shown. The events the page lists are gathered here from the moment the bundle starts, from
 * membership (joins, downs) and the registry's name listener (moves, restarts).
 */
@Component(service = Servlet.class, property = {
    "felix.webconsole.label=" + SwarmPlugin.LABEL,
    "felix.webconsole.title=Swarm",
    "felix.webconsole.category=Swarm"})
public final class SwarmPlugin extends HttpServlet {

    static final String LABEL = "swarm";
    /** Events remembered for the page. */
    static final int EVENTS = 200;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final transient Clock clock = Clock.systemUTC();
    private final transient ClusterEvents events = new ClusterEvents(clock, EVENTS);

    @Reference
    private transient LocalNode node;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile WorkerHost host;

    private transient volatile Membership membership;
    private transient Subscription membershipSubscription;
    private transient volatile SwarmRegistry registry;
    private transient Subscription registrySubscription;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindMembership(Membership m) {
        close(membershipSubscription);
        membership = m;
        membershipSubscription = m.subscribe(events);
    }

    synchronized void unbindMembership(Membership m) {
        if (membership == m) { // a greedy replacement binds the new one first
            close(membershipSubscription);
            membershipSubscription = null;
            membership = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindRegistry(SwarmRegistry r) {
        close(registrySubscription);
        registry = r;
        events.names(r.registered());
        registrySubscription = r.addNameListener(events);
    }

    synchronized void unbindRegistry(SwarmRegistry r) {
        if (registry == r) {
            close(registrySubscription);
            registrySubscription = null;
            registry = null;
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final String path = request.getPathInfo();
        if (path != null && path.endsWith("/" + LABEL + "/state.json")) {
            state(response);
        } else if (path == null || path.endsWith("/" + LABEL) || path.endsWith("/" + LABEL + "/")) {
            page(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private void state(HttpServletResponse response) throws IOException {
        final SwarmRegistry r = registry;
        final Membership m = membership;
        final WorkerHost h = host;
        final byte[] json = MAPPER.writeValueAsBytes(ClusterState.build(
                new ClusterState.Self(node.id(), node.clusterName()),
                r == null ? null : registry(r),
                m == null ? null : m.members(),
                h == null ? null : h.typeStatus(),
                events, clock.instant()));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        noCache(response);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    /** The registry's view, or null when it fails to answer (it is going away). */
    private static ClusterState.Registry registry(SwarmRegistry r) {
        try {
            final Map<String, Integer> groups = new LinkedHashMap<>();
            for (String g : r.groups()) {
                groups.put(g, r.members(g).size());
            }
            return new ClusterState.Registry(r.self(), List.copyOf(r.nodes()), r.ready(), r.hasQuorum(),
                    r.registered(), groups, r.profiles());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The skeleton inside the console's frame. The only value written into it is the plugin's root path
     * (from the console's request attribute), escaped for an attribute; everything else is drawn by the
     * script from state.json.
     */
    private static void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final Object rootAttribute = request.getAttribute("felix.webconsole.pluginRoot");
        final String root = Html.attribute(rootAttribute == null ? request.getContextPath() + request.getServletPath()
                + "/" + LABEL : rootAttribute.toString());
        noCache(response);
        final PrintWriter out = response.getWriter();
        out.println("<link rel='stylesheet' href='" + root + "/res/swarm.css'>");
        out.println("<div id='swarm' data-state='" + root + "/state.json'>");
        out.println("<p id='swarm-status' class='statline'>Loading the cluster's state...</p>");
        out.println("<div class='swarm-top'>");
        out.println("<figure class='swarm-ring'><svg id='swarm-ring' viewBox='-110 -110 220 220' width='240'"
                + " height='240' role='img' aria-label='Each node&apos;s share of the hash ring'></svg>"
                + "<figcaption>Ring shares</figcaption></figure>");
        out.println("<table id='swarm-nodes' class='nicetable'><thead><tr><th>Node</th><th>Incarnation</th>"
                + "<th>Endpoint</th><th>State</th><th>Ring share</th><th>Workers</th><th>Roles</th></tr></thead><tbody></tbody>"
                + "</table>");
        out.println("</div>");
        out.println("<h3>Worker types on this node <span id='swarm-handoffs'></span></h3>");
        out.println("<table id='swarm-types' class='nicetable'><thead><tr><th>Type</th><th>Offered</th>"
                + "<th>Running</th><th>Moving</th><th>Started</th><th>Crashed</th><th>Failed messages</th>"
                + "<th>Late handoffs</th><th>Last problem</th></tr></thead><tbody></tbody></table>");
        out.println("<h3>Groups <span id='swarm-groups-total'></span></h3>");
        out.println("<table id='swarm-groups' class='nicetable'><thead><tr><th>Group</th><th>Members</th></tr></thead>"
                + "<tbody></tbody></table>");
        out.println("<h3>Recent events <span id='swarm-events-total'></span></h3>");
        out.println("<table id='swarm-events' class='nicetable'><thead><tr><th>Time (UTC)</th><th>Event</th>"
                + "<th>Node</th><th>Detail</th></tr></thead><tbody></tbody></table>");
        out.println("</div>");
        out.println("<script src='" + root + "/res/swarm.js'></script>");
    }

    private static void noCache(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
    }

    private static void close(Subscription s) {
        if (s != null) {
            s.close();
        }
    }
}
