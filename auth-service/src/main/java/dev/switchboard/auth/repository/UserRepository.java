package dev.switchboard.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Optional;

@ApplicationScoped
public class UserRepository implements PanacheRepository<UserEntity> {

    /**
     * Subtracts an amount from a metered balance in one statement (no read-modify-write, so
     * concurrent debits from several replicas never lose one) and gives the user a new version.
     *
     * @return true when the user has a balance and was debited
     */
    public boolean debit(long userId, BigDecimal amount) {
        return getEntityManager().createNativeQuery("""
                UPDATE auth.users SET balance_usd = balance_usd - ?2, version = nextval('auth.version_seq')
                WHERE id = ?1 AND balance_usd IS NOT NULL""")
                .setParameter(1, userId).setParameter(2, amount).executeUpdate() == 1;
    }

    public Optional<UserEntity> findByEmail(String email) {
        return find("email", email).firstResultOptional();
    }
}
