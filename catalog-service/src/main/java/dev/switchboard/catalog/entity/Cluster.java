package dev.switchboard.catalog.entity;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Level 2: a semantic name over an ordered list of pools and raw model names. */
@Entity
@Table(name = "cluster")
public class Cluster {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    public boolean enabled;

    /** Candidates of the other wire protocol serve, translated. */
    public boolean translation = true;
}
