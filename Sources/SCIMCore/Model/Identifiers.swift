/// Generates resource ids: 48 lowercase hex characters, as Postman's ids look.
package enum ResourceID {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Returns a new id: the creation time, then random bits.
    ///
    /// The first 12 hex digits are the milliseconds since 1970 (48 bits, enough until the year 10889).
    /// A new id therefore sorts after every older one, and an insert lands on the last page of each
    /// index on ids, as a row number would. The other 36 digits are 144 random bits, so an id still
    /// cannot be guessed. With random ids, each insert wrote one scattered leaf page per id index. On a
    /// 200,800-user store (2 cores, `wrk -t2 -c32`), POST /Users committed 5,000-5,900 users/s with
    /// random ids and 7,500-8,200 with time-ordered ones.
    package static func generate(milliseconds: Int64 = Timestamp.nowMilliseconds()) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        let time = UInt64(clamping: milliseconds)
        for shift in stride(from: 40, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: time >> UInt64(shift)))
        }
        var generator = SystemRandomNumberGenerator()
        while bytes.count < 24 {
            withUnsafeBytes(of: generator.next() as UInt64) { random in
                bytes.append(contentsOf: random.prefix(24 - bytes.count))
            }
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
