package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.GroupEntity;
import dev.switchboard.auth.repository.GroupRepository;
import dev.switchboard.auth.repository.VersionRepository;
import dev.switchboard.auth.request.GroupRequest;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
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

    private final GroupRepository groups;
    private final ApiKeyRepository keys;
    private final VersionRepository versions;
    private final SnapshotService snapshots;
    private final JsonColumns json;
    private final MergePatch mergePatch;

    public GroupService(GroupRepository groups, ApiKeyRepository keys, VersionRepository versions, SnapshotService snapshots,
            JsonColumns json, MergePatch mergePatch) {
        this.groups = groups;
        this.keys = keys;
        this.versions = versions;
        this.snapshots = snapshots;
        this.json = json;
        this.mergePatch = mergePatch;
    }

    public Page<GroupView> list(int page, int size) {
        return Page.read(page, size, () -> groups.findAll(Sort.by("id")), this::view);
    }

    public GroupView get(long id) {
        return QuarkusTransaction.requiringNew().call(() -> view(find(id)));
    }

    public GroupView create(GroupRequest request) {
        GroupEntity g = new GroupEntity();
        g.name = request.name();
        g.platform = request.platform();
        g.status = request.status();
        g.subscriptionType = request.subscriptionType();
        g.rateMultiplier = request.rateMultiplier();
        g.dailyLimitUsd = request.dailyLimitUsd();
        g.weeklyLimitUsd = request.weeklyLimitUsd();
        g.monthlyLimitUsd = request.monthlyLimitUsd();
        g.allowedModelsJson = json.write(request.allowedModels().stream().distinct().toList());
        g.fallbackGroupId = request.fallbackGroupId();
        g.modelRoutingJson = json.write(request.modelRouting());
        g.modelRoutingEnabled = request.modelRoutingEnabled();
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

    /**
     * Applies a JSON merge patch to the group as it is in this transaction and writes only the fields the patch
     * names. A routing map merges pattern by pattern (a pattern set to null is removed), as RFC 7386 merges objects.
     */
    public GroupView patch(long id, JsonNode body) {
        Result r = Writes.call("group", id, () -> {
            GroupEntity g = find(id);
            GroupRequest next = mergePatch.apply(request(g), body, GroupRequest.class);
            if (MergePatch.touches(body, "name")) {
                ensureNameFree(next.name(), g.id);
            }
            if (MergePatch.touches(body, "fallbackGroupId")) {
                checkFallback(g.id, next.fallbackGroupId());
            }
            write(body, next, g);
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

    private GroupRequest request(GroupEntity g) {
        return new GroupRequest(g.name, g.platform, g.status, g.subscriptionType, g.rateMultiplier, g.dailyLimitUsd,
                g.weeklyLimitUsd, g.monthlyLimitUsd, json.list(g.allowedModelsJson), g.fallbackGroupId,
                json.routing(g.modelRoutingJson), g.modelRoutingEnabled, Map.of());
    }

    private void write(JsonNode patch, GroupRequest next, GroupEntity g) {
        if (MergePatch.touches(patch, "name")) {
            g.name = next.name();
        }
        if (MergePatch.touches(patch, "platform")) {
            g.platform = next.platform();
        }
        if (MergePatch.touches(patch, "status")) {
            g.status = next.status();
        }
        if (MergePatch.touches(patch, "subscriptionType")) {
            g.subscriptionType = next.subscriptionType();
        }
        if (MergePatch.touches(patch, "rateMultiplier")) {
            g.rateMultiplier = next.rateMultiplier();
        }
        if (MergePatch.touches(patch, "dailyLimitUsd")) {
            g.dailyLimitUsd = next.dailyLimitUsd();
        }
        if (MergePatch.touches(patch, "weeklyLimitUsd")) {
            g.weeklyLimitUsd = next.weeklyLimitUsd();
        }
        if (MergePatch.touches(patch, "monthlyLimitUsd")) {
            g.monthlyLimitUsd = next.monthlyLimitUsd();
        }
        if (MergePatch.touches(patch, "allowedModels")) {
            g.allowedModelsJson = json.write(next.allowedModels().stream().distinct().toList());
        }
        if (MergePatch.touches(patch, "fallbackGroupId")) {
            g.fallbackGroupId = next.fallbackGroupId();
        }
        if (MergePatch.touches(patch, "modelRouting")) {
            g.modelRoutingJson = json.write(next.modelRouting());
        }
        if (MergePatch.touches(patch, "modelRoutingEnabled")) {
            g.modelRoutingEnabled = next.modelRoutingEnabled();
        }
    }

    GroupView view(GroupEntity g) {
        return new GroupView(g.id, g.name, g.platform, g.status, g.subscriptionType, g.rateMultiplier, g.dailyLimitUsd,
                g.weeklyLimitUsd, g.monthlyLimitUsd, json.list(g.allowedModelsJson), g.fallbackGroupId,
                json.routing(g.modelRoutingJson), g.modelRoutingEnabled, g.version, g.createdAt);
    }
}
