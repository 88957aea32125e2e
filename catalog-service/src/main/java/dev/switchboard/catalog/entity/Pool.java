package dev.switchboard.catalog.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Level 1: one virtual model served by several (provider, model) members. */
@Entity
@Table(name = "pool")
public class Pool {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    public String strategy;

    public boolean enabled;

    @Column(name = "same_candidate_retry")
    public boolean sameCandidateRetry = true;

    /** Members of the other wire protocol serve, translated. */
    public boolean translation = true;
}
