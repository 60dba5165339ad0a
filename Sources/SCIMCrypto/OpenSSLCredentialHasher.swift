internal import CCrypto
package import SCIMCore

/// Hashes and compares API key secrets, and draws random bytes, with OpenSSL's libcrypto.
package struct OpenSSLCredentialHasher: CredentialHasher {
    package init() {}

    package func digest(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                // SHA256 returns its output pointer and cannot fail for in-memory input.
                _ = SHA256(input.baseAddress, input.count, out.baseAddress)
            }
        }
        return output
    }

    package func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    package func randomBytes(_ count: Int) throws(SCIMError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard result == 1 else { throw .internalFailure("RAND_bytes failed with result \(result)") }
        return bytes
    }
}
