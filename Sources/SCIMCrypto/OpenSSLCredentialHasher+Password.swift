internal import CCrypto
internal import Foundation
package import SCIMCore

/// Password hashing with PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) from libcrypto.
///
/// A hash is stored as `$pbkdf2-sha256$i=ITERATIONS$SALT$KEY`, with the 16-byte random salt and the
/// 32-byte derived key in unpadded base64. The iteration count travels with each hash, so raising it
/// later leaves existing hashes verifiable.
extension OpenSSLCredentialHasher {
    /// The PBKDF2 iteration count for new hashes.
    ///
    /// PBKDF2 was chosen over scrypt because its cost is CPU time only: a POST with a password does
    /// not need tens of megabytes per worker thread. With 100,000 iterations a POST with a password
    /// took 60 to 100 ms against 5 to 7 ms without one (debug build, shared 2-core machine at a load
    /// average of 7), which an identity provider does not notice. The write rate limit (180 per team
    /// per minute by default) caps what one team can make the server spend on hashing. scimd never
    /// verifies a password itself, so the cost protects only a stolen database.
    package static let passwordIterations = 100_000

    private static let scheme = "pbkdf2-sha256"
    private static let saltBytes = 16
    private static let keyBytes = 32

    package func hashPassword(_ password: String) throws(SCIMError) -> String {
        let salt = try randomBytes(Self.saltBytes)
        let key = try Self.derive(password, salt: salt, iterations: Self.passwordIterations)
        return "$\(Self.scheme)$i=\(Self.passwordIterations)$\(Self.encode(salt))$\(Self.encode(key))"
    }

    /// Whether `password` is the one `hash` was derived from. A hash in any other form never matches.
    package func passwordMatches(_ password: String, hash: String) -> Bool {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == Self.scheme, parts[2].hasPrefix("i="),
            let iterations = Int(parts[2].dropFirst(2)), iterations > 0,
            let salt = Self.decode(parts[3]), let expected = Self.decode(parts[4]), expected.count == Self.keyBytes,
            let derived = try? Self.derive(password, salt: salt, iterations: iterations)
        else { return false }
        return constantTimeEquals(derived, expected)
    }

    private static func derive(_ password: String, salt: [UInt8], iterations: Int) throws(SCIMError) -> [UInt8] {
        let passwordBytes = Array(password.utf8)
        guard let rounds = Int32(exactly: iterations), let passwordLength = Int32(exactly: passwordBytes.count) else {
            throw .internalFailure("The password or the PBKDF2 iteration count is too large.")
        }
        var key = [UInt8](repeating: 0, count: keyBytes)
        let result = passwordBytes.withUnsafeBufferPointer { passwordBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                key.withUnsafeMutableBufferPointer { keyBuffer in
                    passwordBuffer.withMemoryRebound(to: CChar.self) { passwordChars in
                        PKCS5_PBKDF2_HMAC(
                            passwordChars.baseAddress, passwordLength, saltBuffer.baseAddress, Int32(saltBuffer.count),
                            rounds, EVP_sha256(), Int32(keyBuffer.count), keyBuffer.baseAddress)
                    }
                }
            }
        }
        guard result == 1 else { throw .internalFailure("PKCS5_PBKDF2_HMAC failed with result \(result).") }
        return key
    }

    private static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: Substring) -> [UInt8]? {
        let padding = String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: String(text) + padding).map { Array($0) }
    }
}
