package dev.switchboard.catalog.entity;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An upstream provider. Keys and models live in their own tables and die with the provider. */
@Entity
@Table(name = "provider")
public class Provider {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    public String protocol;

    @Column(name = "base_url")
    public String baseUrl;

    public boolean enabled;

    @Column(name = "connect_timeout_ms")
    public int connectTimeoutMs;

    @Column(name = "first_byte_timeout_ms")
    public int firstByteTimeoutMs;

    @Column(name = "idle_timeout_ms")
    public int idleTimeoutMs;

    @Column(name = "first_token_timeout_ms")
    public int firstTokenTimeoutMs;

    /** An OpenAI provider that also serves {@code /v1/responses}: the relay passes those requests through. */
    @Column(name = "responses_api")
    public boolean responsesApi;

    /** Default price (USD per million tokens) of names it serves unpriced; both null = none. */
    @Column(name = "default_input_price_per_mtok", precision = 18, scale = 6)
    public BigDecimal defaultInputPricePerMTok;

    @Column(name = "default_output_price_per_mtok", precision = 18, scale = 6)
    public BigDecimal defaultOutputPricePerMTok;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "provider_header", joinColumns = @JoinColumn(name = "provider_id"))
    @MapKeyColumn(name = "header_name")
    @Column(name = "header_value")
    public Map<String, String> headers = new LinkedHashMap<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "provider_failover_rule", joinColumns = @JoinColumn(name = "provider_id"))
    @OrderColumn(name = "position")
    public List<FailoverRuleValue> failoverRules = new ArrayList<>();
}
