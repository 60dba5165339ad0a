/// The format of scimd API keys: `scimd_<16 hex key id>_<64 hex secret>`.
package enum APIKeyFormat {
    /// Returns the key id of a well-formed key, or nil when `key` does not have the format.
    package static func id(of key: String) -> String? {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "scimd", isLowercaseHex(parts[1], count: 16),
            isLowercaseHex(parts[2], count: 64)
        else { return nil }
        return String(parts[1])
    }

    /// Returns the secret part of a well-formed key.
    package static func secret(of key: String) -> String? {
        guard id(of: key) != nil else { return nil }
        return key.split(separator: "_").last.map(String.init)
    }

    /// Returns a key with the right format that no server issued.
    package static func unknown() -> String {
        "scimd_" + String(repeating: "0123", count: 4) + "_" + String(repeating: "89abcdef", count: 8)
    }

    /// Whether `text` is exactly `count` characters of lowercase hex.
    package static func isLowercaseHex(_ text: Substring, count: Int) -> Bool {
        text.count == count && text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}
