/*
 * The Swarm page: polls state.json every second and draws it. Node, worker and group names come from
 * the network: they are only ever set as text (textContent) or attribute values (setAttribute), never
 * parsed as markup.
 */
(function () {
    'use strict';
    var root = document.getElementById('swarm');
    // Absolute, from the origin: a page opened as http://user:password@host/... would otherwise resolve
    // the path against a URL with credentials, which fetch refuses. The browser's login cache still applies.
    var stateUrl = new URL(root.getAttribute('data-state'), window.location.origin).href;
    var SVG = 'http://www.w3.org/2000/svg';
    var POLL_MS = 1000;

    function el(tag, text, cls) {
        var e = document.createElement(tag);
        if (text !== undefined && text !== null) {
            e.textContent = String(text);
        }
        if (cls) {
            e.className = cls;
        }
        return e;
    }

    function row(cells) {
        var tr = document.createElement('tr');
        cells.forEach(function (c) {
            tr.appendChild(c instanceof Node ? c : el('td', c));
        });
        return tr;
    }

    function replaceRows(tableId, rows, emptyText, columns) {
        var body = document.getElementById(tableId).tBodies[0];
        while (body.firstChild) {
            body.removeChild(body.firstChild);
        }
        if (rows.length === 0) {
            var td = el('td', emptyText, 'swarm-empty');
            td.setAttribute('colspan', String(columns));
            body.appendChild(row([td]));
        }
        rows.forEach(function (r) { body.appendChild(r); });
    }

    /* A stable colour per node name, so a node keeps its colour across refreshes. */
    function colour(name) {
        var h = 0;
        for (var i = 0; i < name.length; i++) {
            h = (h * 31 + name.charCodeAt(i)) | 0;
        }
        return 'hsl(' + (Math.abs(h) % 360) + ',60%,50%)';
    }

    function percent(share) {
        return (100 * share).toFixed(1) + ' %';
    }

    function drawRing(nodes) {
        var svg = document.getElementById('swarm-ring');
        while (svg.firstChild) {
            svg.removeChild(svg.firstChild);
        }
        var up = nodes.filter(function (n) { return n.state === 'up'; });
        var outer = 100, inner = 62, start = -Math.PI / 2;
        up.forEach(function (n) {
            var shape;
            if (n.share >= 0.9999) {
                shape = document.createElementNS(SVG, 'circle');
                shape.setAttribute('r', String((outer + inner) / 2));
                shape.setAttribute('fill', 'none');
                shape.setAttribute('stroke', colour(n.name));
                shape.setAttribute('stroke-width', String(outer - inner));
            } else {
                var end = start + n.share * 2 * Math.PI;
                var large = n.share > 0.5 ? 1 : 0;
                var p = function (r, a) { return (r * Math.cos(a)).toFixed(3) + ' ' + (r * Math.sin(a)).toFixed(3); };
                shape = document.createElementNS(SVG, 'path');
                shape.setAttribute('d', 'M ' + p(outer, start) + ' A ' + outer + ' ' + outer + ' 0 ' + large + ' 1 '
                    + p(outer, end) + ' L ' + p(inner, end) + ' A ' + inner + ' ' + inner + ' 0 ' + large + ' 0 '
                    + p(inner, start) + ' Z');
                shape.setAttribute('fill', colour(n.name));
                shape.setAttribute('stroke', '#fff');
                start = end;
            }
            shape.setAttribute('data-node', n.name);
            var title = document.createElementNS(SVG, 'title');
            title.textContent = n.name + ': ' + percent(n.share);
            shape.appendChild(title);
            svg.appendChild(shape);
        });
        var label = document.createElementNS(SVG, 'text');
        label.setAttribute('text-anchor', 'middle');
        label.setAttribute('dominant-baseline', 'middle');
        label.setAttribute('class', 'swarm-ring-count');
        label.textContent = up.length + (up.length === 1 ? ' node' : ' nodes');
        svg.appendChild(label);
    }

    function drawNodes(nodes) {
        replaceRows('swarm-nodes', nodes.map(function (n) {
            var name = el('td');
            var swatch = el('span', null, 'swarm-swatch');
            swatch.style.backgroundColor = n.state === 'up' ? colour(n.name) : 'transparent';
            name.appendChild(swatch);
            name.appendChild(document.createTextNode(n.name + (n.self ? ' (this node)' : '')));
            var state = n.state === 'down' ? 'down (' + n.reason + ', since ' + n.since.substring(11, 19) + ')' : n.state;
            var tr = row([name, n.incarnation, n.endpoint || '-', el('td', state, 'swarm-' + n.state),
                n.state === 'up' ? percent(n.share) : '-', n.workers,
                n.roles ? (n.roles.length ? n.roles.join(', ') : 'none') : '?']);
            tr.setAttribute('data-node', n.name);
            tr.setAttribute('data-state', n.state);
            return tr;
        }), 'no nodes', 7);
    }

    function drawTypes(s) {
        replaceRows('swarm-types', s.types.map(function (t) {
            var problem = t.lastError ? t.lastError + ' (' + t.lastErrorAt + ')' : '';
            var tr = row([t.type, t.offered ? 'yes' : 'no', t.running, t.moving, t.started, t.crashed,
                t.failedMessages, t.handoffTimeouts, problem]);
            tr.setAttribute('data-type', t.type);
            return tr;
        }), s.workerHost ? 'no worker types' : 'the worker host is not running', 9);
        document.getElementById('swarm-handoffs').textContent = '(' + s.handoffs + ' handoffs in flight)';
    }

    function drawGroups(s) {
        replaceRows('swarm-groups', s.groups.map(function (g) { return row([g.name, g.members]); }),
            s.registry === 'not running' ? 'the registry is not running' : 'no groups', 2);
        document.getElementById('swarm-groups-total').textContent =
            s.groupsTotal === undefined ? '' : '(' + s.groupsTotal + ', largest ' + s.groups.length + ' shown)';
    }

    function drawEvents(s) {
        replaceRows('swarm-events', s.events.map(function (e) {
            var tr = row([e.at.substring(0, 19).replace('T', ' '), e.kind, e.node, e.detail]);
            tr.setAttribute('data-kind', e.kind);
            return tr;
        }), 'no events since this node started', 4);
        document.getElementById('swarm-events-total').textContent =
            '(' + s.events.length + ' of ' + s.eventsTotal + ')';
    }

    function draw(s) {
        var up = s.nodes.filter(function (n) { return n.state === 'up'; }).length;
        var status = document.getElementById('swarm-status');
        status.textContent = 'Node ' + s.self.name + ' of cluster ' + s.self.cluster + ': ' + up
            + (up === 1 ? ' node' : ' nodes') + ' up, registry ' + s.registry + ', membership ' + s.membership
            + (s.names === undefined ? '' : ', ' + s.names + ' names') + '. Updated ' + s.time.substring(11, 19) + ' UTC.';
        status.className = 'statline';
        drawRing(s.nodes);
        drawNodes(s.nodes);
        drawTypes(s);
        drawGroups(s);
        drawEvents(s);
    }

    function poll() {
        fetch(stateUrl, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'application/json' } })
            .then(function (r) {
                if (!r.ok) {
                    throw new Error('HTTP ' + r.status);
                }
                return r.json();
            })
            .then(draw)
            .catch(function (e) {
                var status = document.getElementById('swarm-status');
                status.textContent = 'Cannot read this node\'s state (' + e.message + '); retrying every second.';
                status.className = 'statline swarm-error';
            })
            .then(function () { setTimeout(poll, POLL_MS); });
    }

    poll();
}());
