package dev.switchboard.catalog.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One ordered member of a cluster: a pool (by id) or a raw model name. */
@Entity
@Table(name = "cluster_member")
public class ClusterMember {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "cluster_id")
    public Long clusterId;

    public int position;

    @Column(name = "pool_id")
    public Long poolId;

    @Column(name = "model_name")
    public String modelName;
}
