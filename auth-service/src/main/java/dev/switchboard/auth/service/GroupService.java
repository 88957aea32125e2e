package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.GroupEntity;
import dev.switchboard.auth.repository.GroupRepository;
import dev.switchboard.auth.repository.VersionRepository;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.events.AuthEvent;
import dev.switchboard.contracts.pattern.ModelPattern;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Groups: limits, allowed models, fallback chain and model routing map. A change reaches every key
 * of the group and every key of a group whose fallback chain contains it.
 */
@ApplicationScoped
public class GroupService {

    private static final Logger LOG = Logger.getLogger(GroupService.class);
    static final Set<String> FIELDS = Set.of("name", "platform", "status", "subscriptionType", "rateMultiplier",
            "dailyLimitUsd", "weeklyLimitUsd", "monthlyLimitUsd", "allowedModels", "fallbackGroupId", "modelRouting",
            "modelRoutingEnabled");
    static final Set<String> PLATFORMS = Set.of("openai", "anthropic", "any");
    static final Set<String> STATUSES = Set.of("active", "disabled");
    static final int MAX_PATTERNS = 200;

    private final GroupRepository groups;
    private final ApiKeyRepository keys;
    private final VersionRepository versions;
    private final SnapshotService snapshots;
    private final JsonColumns json;

    public GroupService(GroupRepository groups, ApiKeyRepository keys, VersionRepository versions, SnapshotService snapshots, JsonColumns json) {
        this.groups = groups;
        this.keys = keys;
        this.versions = versions;
        this.snapshots = snapshots;
        this.json = json;
    }

    public Page<GroupView> list(int page, int size) {
        return Page.read(page, size, () -> groups.findAll(Sort.by("id")), this::view);
    }

    public GroupView get(long id) {
        return QuarkusTransaction.requiringNew().call(() -> view(find(id)));
    }

    public GroupView create(JsonNode body) {
        Fields f = new Fields(body, FIELDS);
        f.requireAll("name");
        GroupEntity g = new GroupEntity();
        g.platform = "any";
        g.status = "active";
        g.subscriptionType = "standard";
        g.rateMultiplier = BigDecimal.ONE;
        g.allowedModelsJson = "[]";
        g.modelRoutingJson = "{}";
        apply(f, g);
        f.throwIfInvalid();
        GroupView view = QuarkusTransaction.requiringNew().call(() -> {
            ensureNameFree(g.name, null);
            checkFallback(null, g.fallbackGroupId);
            g.version = versions.next();
            g.createdAt = Instant.now();
            groups.persist(g);
            groups.flush();
            return view(g);
        });
        LOG.infof("group %d created", view.id());
        return view;
    }

    public GroupView patch(long id, JsonNode body) {
        Fields f = new Fields(body, FIELDS);
        Result r = Writes.call("group", id, () -> {
            GroupEntity g = find(id);
            apply(f, g);
            f.throwIfInvalid();
            if (f.has("name")) {
                ensureNameFree(g.name, g.id);
            }
            if (f.has("fallbackGroupId")) {
                checkFallback(g.id, g.fallbackGroupId);
            }
            g.version = versions.next();
            groups.flush();
            return new Result(view(g), keys.idsByGroups(groupsReaching(id)));
        });
        snapshots.propagate(Change.of(AuthEvent.GROUP, id, r.view.version(), r.keyIds));
        LOG.infof("group %d updated to version %d", id, r.view.version());
        return r.view;
    }

    public void delete(long id) {
        QuarkusTransaction.requiringNew().run(() -> {
            GroupEntity g = find(id);
            if (!keys.idsByGroups(List.of(id)).isEmpty()) {
                throw ProblemException.conflict("group " + id + " still has API keys; move or delete them first", null, null);
            }
            if (groups.countFallingBackTo(id) > 0) {
                throw ProblemException.conflict("group " + id + " is the fallback of another group", null, null);
            }
            groups.delete(g);
        });
        LOG.infof("group %d deleted", id);
    }

    private record Result(GroupView view, List<Long> keyIds) {
    }

    GroupEntity find(long id) {
        GroupEntity g = groups.findById(id);
        if (g == null) {
            throw ProblemException.notFound("group", id);
        }
        return g;
    }

    /** The group itself and every group whose fallback chain contains it. */
    Set<Long> groupsReaching(long groupId) {
        Map<Long, Long> fallback = new HashMap<>();
        for (GroupEntity g : groups.listAll()) {
            fallback.put(g.id, g.fallbackGroupId);
        }
        Set<Long> out = new HashSet<>();
        for (Long start : fallback.keySet()) {
            Set<Long> seen = new HashSet<>();
            for (Long cur = start; cur != null && seen.add(cur); cur = fallback.get(cur)) {
                if (cur == groupId) {
                    out.add(start);
                    break;
                }
            }
        }
        return out;
    }

    private void checkFallback(Long self, Long fallbackId) {
        if (fallbackId == null) {
            return;
        }
        if (fallbackId.equals(self)) {
            throw ProblemException.invalid("fallbackGroupId", "a group cannot fall back to itself");
        }
        if (groups.findById(fallbackId) == null) {
            throw ProblemException.invalid("fallbackGroupId", "group " + fallbackId + " does not exist");
        }
        List<Long> path = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Long cur = fallbackId; cur != null && seen.add(cur); cur = groups.findById(cur).fallbackGroupId) {
            path.add(cur);
            if (cur.equals(self)) {
                throw ProblemException.invalid("fallbackGroupId", "would create a fallback cycle " + self + " -> "
                        + String.join(" -> ", path.stream().map(String::valueOf).toList()));
            }
        }
    }

    private void ensureNameFree(String name, Long self) {
        groups.findByName(name).filter(other -> !other.id.equals(self)).ifPresent(other -> {
            throw ProblemException.conflict("a group with this name already exists", "name", "is already used");
        });
    }

    private void apply(Fields f, GroupEntity g) {
        f.string("name", 200, v -> g.name = v);
        f.oneOf("platform", PLATFORMS, v -> g.platform = v);
        f.oneOf("status", STATUSES, v -> g.status = v);
        f.string("subscriptionType", 64, v -> g.subscriptionType = v);
        f.decimal("rateMultiplier", false, true, 6, 6, v -> g.rateMultiplier = v); // NUMERIC(12, 6)
        f.money("dailyLimitUsd", true, v -> g.dailyLimitUsd = v);
        f.money("weeklyLimitUsd", true, v -> g.weeklyLimitUsd = v);
        f.money("monthlyLimitUsd", true, v -> g.monthlyLimitUsd = v);
        f.stringList("allowedModels", MAX_PATTERNS, GroupService::pattern, v -> g.allowedModelsJson = json.write(v));
        f.id("fallbackGroupId", true, v -> g.fallbackGroupId = v);
        f.routingMap("modelRouting", MAX_PATTERNS, GroupService::pattern, GroupService::target,
                v -> g.modelRoutingJson = json.write(v));
        f.bool("modelRoutingEnabled", v -> g.modelRoutingEnabled = v);
    }

    /** The contracts matcher decides what a valid pattern is. */
    static String pattern(String p) {
        ModelPattern.validate(p);
        return p;
    }

    /** A cluster, pool or model name, or {@code provider:<provider name>}. */
    static String target(String t) {
        if (t.isBlank() || t.length() > 200 || t.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("must be a cluster, pool or model name, or provider:<name>, without spaces");
        }
        if (t.startsWith(GroupSnapshot.PROVIDER_TARGET_PREFIX) && t.length() == GroupSnapshot.PROVIDER_TARGET_PREFIX.length()) {
            throw new IllegalArgumentException("provider: must be followed by a provider name");
        }
        return t;
    }

    GroupView view(GroupEntity g) {
        return new GroupView(g.id, g.name, g.platform, g.status, g.subscriptionType, g.rateMultiplier, g.dailyLimitUsd,
                g.weeklyLimitUsd, g.monthlyLimitUsd, json.list(g.allowedModelsJson), g.fallbackGroupId,
                json.routing(g.modelRoutingJson), g.modelRoutingEnabled, g.version, g.createdAt);
    }
}
