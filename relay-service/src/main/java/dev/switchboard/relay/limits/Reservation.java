package dev.switchboard.relay.limits;

import java.util.List;

/**
 * What admission set aside for a metered request until its real cost is known: one member of the user's
 * and/or the serving group's reservation set ({@code RedisKeys.userReservations}, {@code groupReservations}).
 * The usage batch that records the request's cost removes it in the same script; a reservation nobody
 * removes (a replica that died) expires after {@code reservation-ttl}.
 *
 * @param keys the reservation sets holding the member
 * @param member {@code <admission token>:<micro-USD>}
 */
public record Reservation(List<String> keys, String member) {

    public Reservation {
        keys = List.copyOf(keys);
    }
}
