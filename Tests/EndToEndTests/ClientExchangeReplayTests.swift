import Foundation
import SCIMTestSupport
import Testing

/// Replays every recorded client exchange and RFC 7644 PATCH case under `Fixtures/` against a live
/// `scimd`, in both profiles, and checks each response and the resource read back after it.
struct ClientExchangeReplayTests {
    static let fixtures = ClientExchange.fixtureNames(under: "clients") + ClientExchange.fixtureNames(under: "rfc7644")

    @Test("fixtures are bundled and load")
    func fixturesLoad() throws {
        #expect(Self.fixtures.count >= 15, "found \(Self.fixtures) in \(ClientExchange.fixturesDirectory.path)")
        for provider in ["entra", "okta", "jumpcloud", "postman"] {
            #expect(!ClientExchange.fixtureNames(under: "clients/\(provider)").isEmpty, "no fixture for \(provider)")
        }
        for name in Self.fixtures {
            _ = try ClientExchange.load(name)
        }
    }

    @Test("exchange replays as recorded", arguments: fixtures, ["postman", "rfc"])
    func exchangeReplays(fixture name: String, profile: String) throws {
        let exchange = try ClientExchange.load(name)
        let replay = try ClientExchangeReplay(exchange, profile: profile)

        let outcomes = try replay.run()

        for outcome in outcomes {
            #expect(
                outcome.problems.isEmpty,
                "\(name) [\(profile)] step '\(outcome.step)':\n\(outcome.problems.joined(separator: "\n"))")
        }
    }
}
