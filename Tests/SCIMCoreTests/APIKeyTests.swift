import SCIMCore
import Testing

private let validID = "0123456789abcdef"
private let validSecret = String(repeating: "0123456789abcdef", count: 4)

struct APIKeyTests {
    let hasher = FakeCredentialHasher()

    @Test("Generated key has prefix, 16 hex id and 64 hex secret")
    func generatedKeyShape() throws {
        let key = try APIKey.generate(using: hasher)

        #expect(key.text.hasPrefix("scimd_"))
        #expect(key.id.utf8.count == 16)
        #expect(key.secret.utf8.count == 64)
        #expect(key.text == "scimd_\(key.id)_\(key.secret)")
    }

    @Test("Generated key parses back to itself")
    func roundTrip() throws {
        for _ in 0..<100 {
            let key = try APIKey.generate(using: hasher)

            #expect(APIKey.parse(key.text) == key)
        }
    }

    @Test("Generated keys differ")
    func keysDiffer() throws {
        let first = try APIKey.generate(using: hasher)
        let second = try APIKey.generate(using: hasher)

        #expect(first.id != second.id)
        #expect(first.secret != second.secret)
    }

    @Test("Random source failure propagates")
    func randomFailurePropagates() {
        let failing = FakeCredentialHasher(randomFailure: .internalFailure("no entropy"))

        let error = thrownError { () throws(SCIMError) in try APIKey.generate(using: failing) }

        #expect(error?.status == 500)
    }

    @Test("Secret digest hashes the secret only")
    func secretDigest() throws {
        let key = try #require(APIKey.parse("scimd_0123456789abcdef_" + String(repeating: "ab", count: 32)))

        #expect(key.secretDigest(using: hasher) == FakeCredentialHasher.digestMarker + Array(key.secret.utf8))
    }

    @Test(
        "Malformed keys are rejected",
        arguments: [
            "",
            "scimd_",
            "scimd_\(validID)",
            "scimd_\(validID)_",
            "scimd_\(validID)_\(validSecret)0",
            "scimd_\(validID)_\(validSecret.dropLast())",
            "scimd_\(validID.dropLast())_\(validSecret)0",
            "scimd_\(validID.uppercased())_\(validSecret)",
            "scimd_\(validID)_\(validSecret.uppercased())",
            "SCIMD_\(validID)_\(validSecret)",
            "scimx_\(validID)_\(validSecret)",
            "scimd-\(validID)_\(validSecret)",
            "scimd_\(validID)-\(validSecret)",
            "scimd_\(validID.dropLast())g_\(validSecret)",
            "scimd_\(validID)_\(validSecret.dropLast())z",
            " scimd_\(validID)_\(validSecret.dropLast())",
            "Bearer scimd_\(validID)_\(validSecret)",
            "scimd_\(validID)_\(validSecret.dropLast(2))é",
        ])
    func malformedKeyIsRejected(text: String) {
        #expect(APIKey.parse(text) == nil)
    }

    @Test("Well-formed key splits into id and secret")
    func parsesParts() throws {
        let key = try #require(APIKey.parse("scimd_\(validID)_\(validSecret)"))

        #expect(key.id == validID)
        #expect(key.secret == validSecret)
    }
}
