package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.FieldError;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.auth.repository.ApiKeyEntity;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.repository.GroupRepository;
import dev.switchboard.auth.repository.UserRepository;
import dev.switchboard.auth.repository.VersionRepository;
import dev.switchboard.auth.request.ApiKeyCreateRequest;
import dev.switchboard.auth.request.ApiKeyUpdateRequest;
import dev.switchboard.auth.request.CidrList;
import dev.switchboard.auth.request.WholeNumber;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tenant keys. Status changes only through enable, disable, revoke and rotate, so a PATCH can
 * never re-enable a disabled key. Every change rewrites the key's snapshot.
 */
@ApplicationScoped
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);

    private final ApiKeyRepository keys;
    private final UserRepository users;
    private final GroupRepository groups;
    private final VersionRepository versions;
    private final SnapshotService snapshots;
    private final JsonColumns json;
    private final MergePatch mergePatch;

    public ApiKeyService(ApiKeyRepository keys, UserRepository users, GroupRepository groups, VersionRepository versions,
            SnapshotService snapshots, JsonColumns json, MergePatch mergePatch) {
        this.keys = keys;
        this.users = users;
        this.groups = groups;
        this.versions = versions;
        this.snapshots = snapshots;
        this.json = json;
        this.mergePatch = mergePatch;
    }

    public Page<ApiKeyView> list(int page, int size, Long userId, Long groupId) {
        return Page.read(page, size, () -> {
            if (userId != null && groupId != null) {
                return keys.find("userId = :u and groupId = :g", Sort.by("id"), Parameters.with("u", userId).and("g", groupId));
            } else if (userId != null) {
                return keys.find("userId", Sort.by("id"), userId);
            } else if (groupId != null) {
                return keys.find("groupId", Sort.by("id"), groupId);
            }
            return keys.findAll(Sort.by("id"));
        }, this::view);
    }

    public ApiKeyView get(long id) {
        return QuarkusTransaction.requiringNew().call(() -> view(find(id)));
    }

    public CreatedKey create(ApiKeyCreateRequest request) {
        ApiKeyEntity k = new ApiKeyEntity();
        k.status = ApiKeySnapshot.ACTIVE;
        k.name = request.name();
        k.userId = request.userId();
        k.groupId = request.groupId();
        k.expiresAt = request.expiresAt();
        k.ipAllowJson = json.write(CidrList.Check.canonical(request.ipAllow()));
        k.ipDenyJson = json.write(CidrList.Check.canonical(request.ipDeny()));
        k.rpmLimit = WholeNumber.toInt(request.rpmLimit());
        String secret = KeySecrets.generate();
        ApiKeyView view = QuarkusTransaction.requiringNew().call(() -> {
            checkReferences(k, true, true);
            k.keyHash = KeySecrets.sha256Hex(secret);
            k.keyPrefix = KeySecrets.displayPrefix(secret);
            k.version = versions.next();
            k.createdAt = Instant.now();
            keys.persist(k);
            keys.flush();
            return view(k);
        });
        String warning = propagateKeepingSecret(Change.of(AuthEvent.KEY, view.id(), view.version(), List.of(view.id())));
        LOG.infof("api key %d created for user %d", view.id(), view.userId());
        return new CreatedKey(secret, view, warning);
    }

    /**
     * Applies a JSON merge patch to the key as it is in this transaction and writes only the fields the patch names.
     * The status and the user are refused with the way to change them.
     */
    public ApiKeyView patch(long id, JsonNode body) {
        List<FieldError> refused = new ArrayList<>();
        if (MergePatch.touches(body, "status")) {
            refused.add(new FieldError("status", "is changed only through /enable, /disable, /revoke or /rotate"));
        }
        if (MergePatch.touches(body, "userId")) {
            refused.add(new FieldError("userId", "cannot change; create a key for the other user instead"));
        }
        if (!refused.isEmpty()) {
            throw ProblemException.invalid(refused);
        }
        ApiKeyView view = Writes.call("api key", id, () -> {
            ApiKeyEntity k = find(id);
            ApiKeyUpdateRequest next = mergePatch.apply(request(k), body, ApiKeyUpdateRequest.class);
            write(body, next, k);
            checkReferences(k, false, MergePatch.touches(body, "groupId"));
            k.version = versions.next();
            keys.flush();
            return view(k);
        });
        snapshots.propagate(Change.of(AuthEvent.KEY, id, view.version(), List.of(id)));
        LOG.infof("api key %d updated to version %d", id, view.version());
        return view;
    }

    public ApiKeyView enable(long id) {
        return setStatus(id, ApiKeySnapshot.ACTIVE);
    }

    public ApiKeyView disable(long id) {
        return setStatus(id, ApiKeySnapshot.DISABLED);
    }

    public ApiKeyView revoke(long id) {
        return setStatus(id, ApiKeySnapshot.REVOKED);
    }

    private ApiKeyView setStatus(long id, String status) {
        ApiKeyView view = Writes.callRetrying("api key", id, () -> {
            ApiKeyEntity k = find(id);
            if (ApiKeySnapshot.REVOKED.equals(k.status) && !ApiKeySnapshot.REVOKED.equals(status)) {
                throw ProblemException.conflict("api key " + id + " is revoked; a revoked key never comes back", "status",
                        "is revoked");
            }
            if (!status.equals(k.status)) {
                k.status = status;
                k.version = versions.next();
            }
            return view(k);
        });
        snapshots.propagate(Change.of(AuthEvent.KEY, id, view.version(), List.of(id)));
        LOG.infof("api key %d is now %s", id, status);
        return view;
    }

    /** Issues a new secret as a new key with the same settings and revokes the old key. */
    public CreatedKey rotate(long id) {
        String secret = KeySecrets.generate();
        ApiKeyView[] both = Writes.call("api key", id, () -> {
            ApiKeyEntity old = find(id);
            if (ApiKeySnapshot.REVOKED.equals(old.status)) {
                throw ProblemException.conflict("api key " + id + " is revoked and cannot be rotated", "status", "is revoked");
            }
            ApiKeyEntity k = new ApiKeyEntity();
            k.name = old.name;
            k.userId = old.userId;
            k.groupId = old.groupId;
            k.status = old.status;
            k.expiresAt = old.expiresAt;
            k.ipAllowJson = old.ipAllowJson;
            k.ipDenyJson = old.ipDenyJson;
            k.rpmLimit = old.rpmLimit;
            k.keyHash = KeySecrets.sha256Hex(secret);
            k.keyPrefix = KeySecrets.displayPrefix(secret);
            k.createdAt = Instant.now();
            old.status = ApiKeySnapshot.REVOKED;
            old.version = versions.next();
            k.version = versions.next();
            keys.persist(k);
            keys.flush();
            return new ApiKeyView[] {view(old), view(k)};
        });
        String warning = propagateKeepingSecret(Change.of(AuthEvent.KEY, id, both[1].version(), List.of(id, both[1].id())));
        LOG.infof("api key %d rotated into key %d", id, both[1].id());
        return new CreatedKey(secret, both[1], warning);
    }

    /** Deletes the row; the hash gets a negative cache entry newer than any snapshot of the key. */
    public void delete(long id) {
        Change change = QuarkusTransaction.requiringNew().call(() -> {
            ApiKeyEntity k = find(id);
            String hash = k.keyHash;
            keys.delete(k);
            keys.flush();
            return new Change(AuthEvent.KEY, id, versions.next(), List.of(), List.of(hash));
        });
        snapshots.propagate(change);
        LOG.infof("api key %d deleted", id);
    }

    /** A saved new secret is shown even when Redis failed; the failure becomes a warning in the answer. */
    private String propagateKeepingSecret(Change change) {
        try {
            snapshots.propagate(change);
            return null;
        } catch (ProblemException e) {
            return e.getMessage();
        }
    }

    ApiKeyEntity find(long id) {
        ApiKeyEntity k = keys.findById(id);
        if (k == null) {
            throw ProblemException.notFound("api key", id);
        }
        return k;
    }

    private void checkReferences(ApiKeyEntity k, boolean checkUser, boolean checkGroup) {
        if (checkUser && users.findById(k.userId) == null) {
            throw ProblemException.invalid("userId", "user " + k.userId + " does not exist");
        }
        if (checkGroup && groups.findById(k.groupId) == null) {
            throw ProblemException.invalid("groupId", "group " + k.groupId + " does not exist");
        }
    }

    private ApiKeyUpdateRequest request(ApiKeyEntity k) {
        return new ApiKeyUpdateRequest(k.name, k.groupId, k.expiresAt, json.list(k.ipAllowJson), json.list(k.ipDenyJson),
                k.rpmLimit == null ? null : k.rpmLimit.longValue(), Map.of());
    }

    private void write(JsonNode patch, ApiKeyUpdateRequest next, ApiKeyEntity k) {
        if (MergePatch.touches(patch, "name")) {
            k.name = next.name();
        }
        if (MergePatch.touches(patch, "groupId")) {
            k.groupId = next.groupId();
        }
        if (MergePatch.touches(patch, "expiresAt")) {
            k.expiresAt = next.expiresAt();
        }
        if (MergePatch.touches(patch, "ipAllow")) {
            k.ipAllowJson = json.write(CidrList.Check.canonical(next.ipAllow()));
        }
        if (MergePatch.touches(patch, "ipDeny")) {
            k.ipDenyJson = json.write(CidrList.Check.canonical(next.ipDeny()));
        }
        if (MergePatch.touches(patch, "rpmLimit")) {
            k.rpmLimit = WholeNumber.toInt(next.rpmLimit());
        }
    }

    ApiKeyView view(ApiKeyEntity k) {
        return new ApiKeyView(k.id, k.name, k.userId, k.groupId, k.keyPrefix, k.status, k.expiresAt,
                json.list(k.ipAllowJson), json.list(k.ipDenyJson), k.rpmLimit, k.lastUsedAt, k.version, k.createdAt);
    }
}
