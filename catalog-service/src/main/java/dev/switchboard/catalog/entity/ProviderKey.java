package dev.switchboard.catalog.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An upstream API key; the secret is stored only as SecretBox ciphertext. */
@Entity
@Table(name = "provider_key")
public class ProviderKey {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "provider_id")
    public Long providerId;

    public String label;

    @Column(name = "secret_ciphertext")
    public String secretCiphertext;

    public String last4;

    public Integer rpm;

    public Integer tpm;

    public int weight;

    public boolean enabled;

    @Override
    public String toString() {
        return "ProviderKey[id=" + id + ", label=" + label + "]";
    }
}
