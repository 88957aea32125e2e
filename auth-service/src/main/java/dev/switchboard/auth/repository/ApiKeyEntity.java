package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import java.time.Instant;

/** A tenant API key. Only the SHA-256 hex of the secret is stored. */
@Entity
@DynamicUpdate
@Table(schema = "auth", name = "api_keys")
public class ApiKeyEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "api_keys_seq")
    @SequenceGenerator(name = "api_keys_seq", schema = "auth", sequenceName = "api_keys_seq", allocationSize = 50)
    public Long id;
    public String name;
    @Column(name = "user_id")
    public long userId;
    @Column(name = "group_id")
    public long groupId;
    @Column(name = "key_hash")
    public String keyHash;
    @Column(name = "key_prefix")
    public String keyPrefix;
    public String status;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "ip_allow")
    public String ipAllowJson;
    @Column(name = "ip_deny")
    public String ipDenyJson;
    @Column(name = "rpm_limit")
    public Integer rpmLimit;
    @Column(name = "last_used_at")
    public Instant lastUsedAt;
    public long version;
    /** Optimistic lock ({@code service/Writes}); not the snapshot version. */
    @jakarta.persistence.Version
    @Column(name = "row_version")
    public long rowVersion;
    @Column(name = "created_at")
    public Instant createdAt;
}
