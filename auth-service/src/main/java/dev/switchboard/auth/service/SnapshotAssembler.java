package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.ApiKeyEntity;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.GroupEntity;
import dev.switchboard.auth.repository.GroupRepository;
import dev.switchboard.auth.repository.UserEntity;
import dev.switchboard.auth.repository.UserRepository;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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

    @Inject
    ApiKeyRepository keys;
    @Inject
    UserRepository users;
    @Inject
    GroupRepository groups;
    @Inject
    JsonColumns json;

    /** A built snapshot together with the hash it is stored under. */
    public record Built(String keyHash, ApiKeySnapshot snapshot) {
    }

    /** One query for an unknown hash; more only when the key exists. */
    @Transactional
    public Optional<ApiKeySnapshot> loadByHash(String sha256Hex) {
        return keys.findByHash(sha256Hex).map(k -> build(k, new HashMap<>(), new HashMap<>()));
    }

    @Transactional
    public List<Built> loadByIds(List<Long> keyIds) {
        Map<Long, UserSnapshot> userCache = new HashMap<>();
        Map<Long, GroupSnapshot> groupCache = new HashMap<>();
        List<Built> out = new ArrayList<>();
        for (Long id : keyIds) {
            ApiKeyEntity k = keys.findById(id);
            if (k != null) {
                out.add(new Built(k.keyHash, build(k, userCache, groupCache)));
            }
        }
        return out;
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
