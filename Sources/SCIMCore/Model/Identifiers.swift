/// Generates resource ids: 48 lowercase hex characters from 24 random bytes, as Postman's ids look.
package enum ResourceID {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Returns a new random id.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        for _ in 0..<3 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return hex(bytes)
    }

    /// Whether `text` has the shape of a resource id.
    package static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 48 && text.utf8.allSatisfy { hexDigitValue($0) != nil && !(0x41...0x46).contains($0) }
    }

    /// Returns `bytes` as lowercase hex.
    package static func hex(_ bytes: [UInt8]) -> String {
        var characters = [UInt8]()
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(hexDigits[Int(byte >> 4)])
            characters.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
