package dev.switchboard.relay.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A relay behind one trusted reverse proxy, with a short maximum stream duration. Shared by the test
 * classes that need either, so Quarkus starts this configuration once.
 */
public class EdgeProfile implements QuarkusTestProfile {

    public static final String MAX_STREAM = "2s";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "switchboard.auth.trusted-proxy-hops", "1",
                "switchboard.request.max-stream", MAX_STREAM);
    }
}
