package dev.switchboard.mock;

public final class MockProviderMain {
    public static void main(String[] args) {
    }
}
