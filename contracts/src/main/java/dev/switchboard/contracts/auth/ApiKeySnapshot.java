package dev.switchboard.contracts.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What the relay knows about one tenant key. {@code version} is the key row's version combined with
 * the versions of the user and group it embeds, so any change to one of them yields a greater number.
 *
 * @param status active | disabled | revoked
 * @param expiresAt null = never
 * @param ipAllow CIDRs in {@link dev.switchboard.contracts.net.Cidr}'s canonical text; empty = every address
 * @param ipDeny CIDRs, checked before {@code ipAllow}
 * @param rpmLimit null = unlimited
 * @param fallbackGroups the group's fallback chain in order (the group's fallback, its fallback, ...);
 *        never contains {@code group} and never repeats
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiKeySnapshot(
        int v,
        long version,
        long apiKeyId,
        String name,
        String keyPrefix,
        long userId,
        long groupId,
        String status,
        Instant expiresAt,
        List<String> ipAllow,
        List<String> ipDeny,
        Integer rpmLimit,
        UserSnapshot user,
        GroupSnapshot group,
        List<GroupSnapshot> fallbackGroups) {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    public static final String REVOKED = "revoked";

    public ApiKeySnapshot {
        ipAllow = ipAllow == null ? List.of() : List.copyOf(ipAllow);
        ipDeny = ipDeny == null ? List.of() : List.copyOf(ipDeny);
        fallbackGroups = fallbackGroups == null ? List.of() : List.copyOf(fallbackGroups);
    }
}
