package org.swarmosgi.metrics.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /health/live} and {@code GET /health/ready}: 200 when the check passes, 503 when not, with
 * the checks as a small JSON document either way (which check failed, and why).
 */
final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient HealthChecks checks;

    HealthServlet(HealthChecks checks) {
        this.checks = checks;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final String path = request.getPathInfo();
        final Health health;
        if ("/live".equals(path)) {
            health = checks.alive();
        } else if ("/ready".equals(path)) {
            health = checks.ready();
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "try /health/live or /health/ready");
            return;
        }
        final byte[] body = (health.json() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(health.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
