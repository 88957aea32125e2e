package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.UserEntity;
import dev.switchboard.auth.repository.UserRepository;
import dev.switchboard.auth.repository.VersionRepository;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jboss.logging.Logger;

/** Users: CRUD with merge-patch semantics; every change reaches the snapshots of the user's keys. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);
    static final Set<String> FIELDS = Set.of("name", "email", "status", "role", "balanceUsd", "concurrency");
    static final Set<String> STATUSES = Set.of(UserEntity.ACTIVE, UserEntity.DISABLED);
    static final Set<String> ROLES = Set.of("user", "admin");

    private final UserRepository users;
    private final ApiKeyRepository keys;
    private final VersionRepository versions;
    private final SnapshotService snapshots;

    public UserService(UserRepository users, ApiKeyRepository keys, VersionRepository versions, SnapshotService snapshots) {
        this.users = users;
        this.keys = keys;
        this.versions = versions;
        this.snapshots = snapshots;
    }

    public Page<UserView> list(int page, int size) {
        return Page.read(page, size, () -> users.findAll(Sort.by("id")), UserView::of);
    }

    public UserView get(long id) {
        return QuarkusTransaction.requiringNew().call(() -> UserView.of(find(id)));
    }

    public UserView create(JsonNode body) {
        Fields f = new Fields(body, FIELDS);
        f.requireAll("name", "email");
        UserEntity u = new UserEntity();
        u.status = UserEntity.ACTIVE;
        u.role = "user";
        apply(f, u);
        f.throwIfInvalid();
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

    public UserView patch(long id, JsonNode body) {
        Fields f = new Fields(body, FIELDS);
        Result r = Writes.call("user", id, () -> {
            UserEntity u = find(id);
            apply(f, u);
            f.throwIfInvalid();
            if (f.has("email")) {
                ensureEmailFree(u.email, u.id);
            }
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

    private static void apply(Fields f, UserEntity u) {
        f.string("name", 200, v -> u.name = v);
        f.string("email", 320, v -> {
            if (!v.matches("[^@\\s]+@[^@\\s]+")) {
                f.error("email", "must be an email address");
            } else {
                u.email = v.toLowerCase(Locale.ROOT);
            }
        });
        f.oneOf("status", STATUSES, v -> u.status = v);
        f.oneOf("role", ROLES, v -> u.role = v);
        // A balance may go below zero through usage, but an operator never sets a negative one.
        f.money("balanceUsd", true, v -> u.balanceUsd = v);
        f.count("concurrency", v -> u.concurrency = v);
    }
}
