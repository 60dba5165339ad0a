/// Hashing, constant-time comparison and random bytes for API keys, provided by a crypto adapter.
package protocol CredentialHasher: Sendable {
    /// Returns the SHA-256 digest of `bytes`.
    func digest(_ bytes: [UInt8]) -> [UInt8]

    /// Compares two byte strings in time that depends only on their length.
    func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool

    /// Returns `count` cryptographically secure random bytes.
    func randomBytes(_ count: Int) throws(SCIMError) -> [UInt8]

    /// Derives a salted, deliberately slow hash of a User's `password` for storage. The text names its
    /// algorithm and parameters, so a later build can verify it after the parameters change.
    /// - Throws: `internalFailure` when the random salt or the derivation fails.
    func hashPassword(_ password: String) throws(SCIMError) -> String
}

/// An API key as shown once to an admin: `scimd_<key id>_<secret>`.
///
/// The key id (16 hex characters) finds the stored record through an index; the secret (64 hex
/// characters, 32 random bytes) is stored only as its SHA-256 digest and compared in constant time.
package struct APIKey: Sendable, Equatable {
    package static let prefix = "scimd_"

    package let id: String
    package let secret: String

    /// The whole key, as the client sends it.
    package var text: String { "\(Self.prefix)\(id)_\(secret)" }

    /// Generates a key with a fresh id and secret.
    package static func generate(using hasher: any CredentialHasher) throws(SCIMError) -> APIKey {
        APIKey(id: ResourceID.hex(try hasher.randomBytes(8)), secret: ResourceID.hex(try hasher.randomBytes(32)))
    }

    /// Parses a key; returns nil for anything not shaped like one.
    package static func parse(_ text: String) -> APIKey? {
        let utf8 = Array(text.utf8)
        let prefixLength = prefix.utf8.count
        guard utf8.count == prefixLength + 16 + 1 + 64, text.hasPrefix(prefix),
            utf8[prefixLength + 16] == UInt8(ascii: "_")
        else { return nil }
        let id = utf8[prefixLength..<prefixLength + 16]
        let secret = utf8[(prefixLength + 17)...]
        guard id.allSatisfy(isLowerHex), secret.allSatisfy(isLowerHex) else { return nil }
        return APIKey(id: String(decoding: id, as: UTF8.self), secret: String(decoding: secret, as: UTF8.self))
    }

    /// Returns the digest stored for this key.
    package func secretDigest(using hasher: any CredentialHasher) -> [UInt8] {
        hasher.digest(Array(secret.utf8))
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}
