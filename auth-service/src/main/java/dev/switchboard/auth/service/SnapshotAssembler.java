package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.ApiKeyEntity;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.GroupEntity;
import dev.switchboard.auth.repository.GroupRepository;
import dev.switchboard.auth.repository.UserEntity;
import dev.switchboard.auth.repository.UserRepository;
import dev.switchboard.auth.repository.VersionRepository;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds key snapshots from PostgreSQL rows (the relay's view of a key, docs/architecture.md "Snapshots and their versioning"). */
@ApplicationScoped
public class SnapshotAssembler {

    private final ApiKeyRepository keys;
    private final UserRepository users;
    private final GroupRepository groups;
    private final JsonColumns json;
    private final VersionRepository versions;

    public SnapshotAssembler(ApiKeyRepository keys, UserRepository users, GroupRepository groups, JsonColumns json,
            VersionRepository versions) {
        this.keys = keys;
        this.users = users;
        this.groups = groups;
        this.json = json;
        this.versions = versions;
    }

    /** A built snapshot together with the hash it is stored under. */
    public record Built(String keyHash, ApiKeySnapshot snapshot) {
    }

    /** One query for an unknown hash; more only when the key exists. */
    @Transactional
    public Optional<ApiKeySnapshot> loadByHash(String sha256Hex) {
        return keys.findByHash(sha256Hex).map(k -> build(k, new HashMap<>(), new HashMap<>()));
    }

    /**
     * The snapshots a committed change affects, for the write-through after the commit. Their version is
     * drawn from {@code auth.version_seq} <em>before</em> the rows are read (READ COMMITTED: every read then
     * sees every change committed before the draw), not taken from the rows: of two propagations, the one
     * with the higher version started reading later, so the compare-and-set can never keep an older state
     * under a newer number. (Row versions are drawn before their transaction commits, so two writers of
     * different rows — a revoke and a user PATCH — could otherwise publish in the opposite order of their
     * versions, and the CAS would refuse the revoke.) Any snapshot written with a lower number by a loader
     * is replaced by the propagation of every change committed after that loader read.
     */
    @Transactional
    public List<Built> loadByIds(List<Long> keyIds) {
        Map<Long, UserSnapshot> userCache = new HashMap<>();
        Map<Long, GroupSnapshot> groupCache = new HashMap<>();
        List<Built> out = new ArrayList<>();
        if (keyIds.isEmpty()) {
            return out;
        }
        long version = versions.next();
        // Keys and their users in two queries, not two per key (the ledger refreshes hundreds per batch).
        Map<Long, ApiKeyEntity> byId = new HashMap<>();
        for (ApiKeyEntity k : keys.list("id in ?1", keyIds)) {
            byId.put(k.id, k);
        }
        Set<Long> userIds = new HashSet<>();
        for (ApiKeyEntity k : byId.values()) {
            userIds.add(k.userId);
        }
        if (!userIds.isEmpty()) {
            for (UserEntity u : users.list("id in ?1", userIds)) {
                userCache.put(u.id, user(u));
            }
        }
        for (Long id : keyIds) {
            ApiKeyEntity k = byId.get(id);
            if (k != null) {
                ApiKeySnapshot s = build(k, userCache, groupCache);
                out.add(new Built(k.keyHash, withVersion(s, Math.max(version, s.version()))));
            }
        }
        return out;
    }

    private static ApiKeySnapshot withVersion(ApiKeySnapshot s, long version) {
        return new ApiKeySnapshot(s.v(), version, s.apiKeyId(), s.name(), s.keyPrefix(), s.userId(), s.groupId(), s.status(),
                s.expiresAt(), s.ipAllow(), s.ipDeny(), s.rpmLimit(), s.user(), s.group(), s.fallbackGroups());
    }

    private ApiKeySnapshot build(ApiKeyEntity k, Map<Long, UserSnapshot> userCache, Map<Long, GroupSnapshot> groupCache) {
        UserSnapshot user = userCache.computeIfAbsent(k.userId, id -> user(users.findById(id)));
        GroupSnapshot group = group(k.groupId, groupCache);
        List<GroupSnapshot> chain = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        seen.add(group.id());
        Long next = group.fallbackGroupId();
        // The admin API refuses cycles; the guard keeps a hand-edited database from looping here.
        while (next != null && seen.add(next)) {
            GroupSnapshot g = group(next, groupCache);
            chain.add(g);
            next = g.fallbackGroupId();
        }
        long version = Math.max(k.version, Math.max(user.version(), group.version()));
        for (GroupSnapshot g : chain) {
            version = Math.max(version, g.version());
        }
        return new ApiKeySnapshot(Schema.AUTH, version, k.id, k.name, k.keyPrefix, k.userId, k.groupId, k.status,
                k.expiresAt, json.list(k.ipAllowJson), json.list(k.ipDenyJson), k.rpmLimit, user, group, chain);
    }

    private GroupSnapshot group(long id, Map<Long, GroupSnapshot> cache) {
        GroupSnapshot cached = cache.get(id);
        if (cached == null) {
            cached = group(groups.findById(id));
            cache.put(id, cached);
        }
        return cached;
    }

    static UserSnapshot user(UserEntity u) {
        return new UserSnapshot(u.id, u.name, u.status, u.role, u.balanceUsd, u.concurrency, u.version);
    }

    GroupSnapshot group(GroupEntity g) {
        return new GroupSnapshot(g.id, g.name, g.platform, g.status, g.subscriptionType, g.rateMultiplier,
                g.dailyLimitUsd, g.weeklyLimitUsd, g.monthlyLimitUsd, json.list(g.allowedModelsJson), g.fallbackGroupId,
                new LinkedHashMap<>(json.routing(g.modelRoutingJson)), g.modelRoutingEnabled, g.version);
    }
}
