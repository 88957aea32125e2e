package dev.switchboard.catalog.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A model route. Exactly one target column is set. The id doubles as the creation sequence (ids
 * come from an identity column and only grow).
 */
@Entity
@Table(name = "route")
public class Route {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String pattern;

    @Column(name = "target_provider_id")
    public Long targetProviderId;

    @Column(name = "target_pool_id")
    public Long targetPoolId;

    @Column(name = "target_cluster_id")
    public Long targetClusterId;

    public int priority;

    public boolean enabled;
}
