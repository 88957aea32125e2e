package dev.switchboard.relay.limits;

import dev.switchboard.contracts.auth.GroupSnapshot;

/**
 * Outcome of {@link LimitService#admit}.
 *
 * @param group the effective group the request is served and billed under: the key's group, or the
 *        first fallback group whose budgets allow it
 * @param refusal null when allowed
 * @param lease null when refused; release it exactly once when the request ends (release is idempotent)
 * @param reservation what was set aside against balance and budget; null when nothing was (unmetered, no
 *        estimate, or decided without Redis). The usage record of the request settles it.
 */
public record Admission(boolean allowed, GroupSnapshot group, Refusal refusal, Lease lease, Reservation reservation) {

    static Admission allow(GroupSnapshot group, Lease lease) {
        return new Admission(true, group, null, lease, null);
    }

    static Admission allow(GroupSnapshot group, Lease lease, Reservation reservation) {
        return new Admission(true, group, null, lease, reservation);
    }

    static Admission refuse(GroupSnapshot group, Refusal refusal) {
        return new Admission(false, group, refusal, null, null);
    }
}
