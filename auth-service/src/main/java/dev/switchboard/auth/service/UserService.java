package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.UserEntity;
import dev.switchboard.auth.repository.UserRepository;
import dev.switchboard.auth.repository.VersionRepository;
import dev.switchboard.auth.request.UserRequest;
import dev.switchboard.auth.request.WholeNumber;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Users: CRUD with merge-patch semantics; every change reaches the snapshots of the user's keys. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    private final UserRepository users;
    private final ApiKeyRepository keys;
    private final VersionRepository versions;
    private final SnapshotService snapshots;
    private final MergePatch mergePatch;

    public UserService(UserRepository users, ApiKeyRepository keys, VersionRepository versions, SnapshotService snapshots,
            MergePatch mergePatch) {
        this.users = users;
        this.keys = keys;
        this.versions = versions;
        this.snapshots = snapshots;
        this.mergePatch = mergePatch;
    }

    public Page<UserView> list(int page, int size) {
        return Page.read(page, size, () -> users.findAll(Sort.by("id")), UserView::of);
    }

    public UserView get(long id) {
        return QuarkusTransaction.requiringNew().call(() -> UserView.of(find(id)));
    }

    public UserView create(UserRequest request) {
        UserEntity u = new UserEntity();
        u.name = request.name();
        u.email = request.email();
        u.status = request.status();
        u.role = request.role();
        u.balanceUsd = request.balanceUsd();
        u.concurrency = WholeNumber.toInt(request.concurrency());
        UserView view = QuarkusTransaction.requiringNew().call(() -> {
            ensureEmailFree(u.email, null);
            u.version = versions.next();
            u.createdAt = Instant.now();
            users.persist(u);
            users.flush();
            return UserView.of(u);
        });
        LOG.infof("user %d created", view.id());
        return view;
    }

    /**
     * Applies a JSON merge patch to the user as it is in this transaction and writes only the fields the patch
     * names ({@code @DynamicUpdate}): a PATCH that does not name the balance never writes back the balance it read
     * while the ledger debits it.
     */
    public UserView patch(long id, JsonNode body) {
        Result r = Writes.call("user", id, () -> {
            UserEntity u = find(id);
            UserRequest next = mergePatch.apply(request(u), body, UserRequest.class);
            if (MergePatch.touches(body, "email")) {
                ensureEmailFree(next.email(), u.id);
            }
            write(body, next, u);
            u.version = versions.next();
            users.flush();
            return new Result(UserView.of(u), keys.idsByUser(id));
        });
        snapshots.propagate(Change.of(AuthEvent.USER, id, r.view.version(), r.keyIds));
        LOG.infof("user %d updated to version %d", id, r.view.version());
        return r.view;
    }

    public void delete(long id) {
        QuarkusTransaction.requiringNew().run(() -> {
            UserEntity u = find(id);
            if (!keys.idsByUser(id).isEmpty()) {
                throw ProblemException.conflict("user " + id + " still owns API keys; delete or move them first", null, null);
            }
            users.delete(u);
        });
        LOG.infof("user %d deleted", id);
    }

    /**
     * Rewrites the snapshots of many users' keys after changes committed elsewhere (a ledger batch): one
     * transaction for finding and loading all their keys, one pipelined rewrite, one invalidation
     * event naming every hash.
     */
    public void propagateAll(java.util.Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> snapshots.propagate(Change.of(AuthEvent.LEDGER, 0, 0, keys.idsByUsers(userIds))));
    }

    private record Result(UserView view, List<Long> keyIds) {
    }

    UserEntity find(long id) {
        UserEntity u = users.findById(id);
        if (u == null) {
            throw ProblemException.notFound("user", id);
        }
        return u;
    }

    private void ensureEmailFree(String email, Long self) {
        users.findByEmail(email).filter(other -> !other.id.equals(self)).ifPresent(other -> {
            throw ProblemException.conflict("a user with this email already exists", "email", "is already used");
        });
    }

    private static UserRequest request(UserEntity u) {
        return new UserRequest(u.name, u.email, u.status, u.role, u.balanceUsd,
                u.concurrency == null ? null : u.concurrency.longValue(), Map.of());
    }

    private static void write(JsonNode patch, UserRequest next, UserEntity u) {
        if (MergePatch.touches(patch, "name")) {
            u.name = next.name();
        }
        if (MergePatch.touches(patch, "email")) {
            u.email = next.email();
        }
        if (MergePatch.touches(patch, "status")) {
            u.status = next.status();
        }
        if (MergePatch.touches(patch, "role")) {
            u.role = next.role();
        }
        if (MergePatch.touches(patch, "balanceUsd")) {
            u.balanceUsd = next.balanceUsd();
        }
        if (MergePatch.touches(patch, "concurrency")) {
            u.concurrency = WholeNumber.toInt(next.concurrency());
        }
    }
}
