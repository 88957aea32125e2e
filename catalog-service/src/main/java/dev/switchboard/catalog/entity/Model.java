package dev.switchboard.catalog.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;

/** A model offered by one provider; the same name on several providers is the same model. */
@Entity
@Table(name = "model")
public class Model {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "provider_id")
    public Long providerId;

    public String name;

    @Column(name = "upstream_name")
    public String upstreamName;

    @Column(name = "context_window")
    public Integer contextWindow;

    @Column(name = "input_price_per_mtok", precision = 18, scale = 6)
    public BigDecimal inputPricePerMTok;

    @Column(name = "output_price_per_mtok", precision = 18, scale = 6)
    public BigDecimal outputPricePerMTok;

    public boolean enabled;

    /** Accepts a trailing assistant turn to continue; null = the protocol's default. */
    public Boolean prefill;
}
