package dev.switchboard.relay.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The relay's edge bounds set small enough to reach in a test: 10 failed key lookups per address and minute,
 * 3 MiB of request bodies held at once, a 2 s body read timeout. One trusted proxy hop, so a test picks its
 * client address with X-Forwarded-For and classes do not use up each other's lookups.
 */
public class GuardProfile implements QuarkusTestProfile {

    public static final int FAILED_LOOKUP_LIMIT = 10;
    public static final int MAX_BUFFERED = 3 * 1024 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "switchboard.auth.trusted-proxy-hops", "1",
                "switchboard.auth.failed-lookup-limit", Integer.toString(FAILED_LOOKUP_LIMIT),
                "switchboard.auth.failed-lookup-window", "60s",
                "switchboard.request.max-buffered-body-bytes", Integer.toString(MAX_BUFFERED),
                "switchboard.request.body-timeout", "2s",
                "switchboard.request.refusal-linger", "1s");
    }
}
