import SCIMCore
import SCIMCrypto
import Testing

/// PBKDF2-HMAC-SHA256 password hashes from ``OpenSSLCredentialHasher``.
struct PasswordHashTests {
    private let hasher = OpenSSLCredentialHasher()

    @Test func hashNamesSchemeAndIterations() throws {
        let hash = try hasher.hashPassword("t0p-Secret")

        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        #expect(parts.count == 5)
        #expect(parts.first == "")
        #expect(parts.dropFirst().first == "pbkdf2-sha256")
        #expect(parts.dropFirst(2).first == "i=\(OpenSSLCredentialHasher.passwordIterations)")
        #expect(!hash.contains("t0p-Secret"))
    }

    @Test func hashMatchesOnlyItsPassword() throws {
        let hash = try hasher.hashPassword("t0p-Secret")

        #expect(hasher.passwordMatches("t0p-Secret", hash: hash))
        #expect(!hasher.passwordMatches("t0p-secret", hash: hash))
        #expect(!hasher.passwordMatches("", hash: hash))
    }

    @Test func samePasswordGetsNewSalt() throws {
        let first = try hasher.hashPassword("t0p-Secret")
        let second = try hasher.hashPassword("t0p-Secret")

        #expect(first != second)
        #expect(hasher.passwordMatches("t0p-Secret", hash: second))
    }

    @Test func emptyAndNonASCIIPasswordsHash() throws {
        let empty = try hasher.hashPassword("")
        let accented = try hasher.hashPassword("pässwörd ✓")

        #expect(hasher.passwordMatches("", hash: empty))
        #expect(hasher.passwordMatches("pässwörd ✓", hash: accented))
        #expect(!hasher.passwordMatches("passwörd ✓", hash: accented))
    }

    /// RFC 7914 §11: PBKDF2-HMAC-SHA256 of "passwd" with salt "salt" and 1 iteration begins with
    /// 55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc.
    @Test func rfc7914VectorMatches() {
        let hash = "$pbkdf2-sha256$i=1$c2FsdA$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw"

        #expect(hasher.passwordMatches("passwd", hash: hash))
        #expect(!hasher.passwordMatches("passwd ", hash: hash))
    }

    @Test(arguments: ["", "plain", "$pbkdf2-sha256$i=0$c2FsdA$a2V5", "$md5$i=1$c2FsdA$a2V5", "$pbkdf2-sha256$x$y$z"])
    func malformedHashNeverMatches(hash: String) {
        #expect(!hasher.passwordMatches("plain", hash: hash))
    }
}
