import SCIMCore
import Testing

struct TimestampTests {
    @Test(
        "Known instants format as UTC with milliseconds",
        arguments: [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_613_967_853_000, "2021-02-22T04:24:13.000Z"),
            (1_613_967_853_007, "2021-02-22T04:24:13.007Z"),
            (951_825_600_000, "2000-02-29T12:00:00.000Z"),
            (951_868_800_000, "2000-03-01T00:00:00.000Z"),
            (68_255_999_999, "1972-02-29T23:59:59.999Z"),
            (4_107_456_000_000, "2100-02-28T00:00:00.000Z"),
            (4_107_456_000_000 + 86_400_000, "2100-03-01T00:00:00.000Z"),
            (13_574_563_200_000, "2400-02-29T00:00:00.000Z"),
            (2_147_483_648_000, "2038-01-19T03:14:08.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] as [(Int64, String)])
    func formatsKnownInstants(milliseconds: Int64, expected: String) {
        #expect(Timestamp.format(milliseconds: milliseconds) == expected)
    }

    @Test(
        "Instants before 1970 round toward the past",
        arguments: [
            (-1, "1969-12-31T23:59:59.999Z"),
            (-1_000, "1969-12-31T23:59:59.000Z"),
            (-1_001, "1969-12-31T23:59:58.999Z"),
            (-2_203_891_200_000, "1900-03-01T00:00:00.000Z"),
            (-11_676_096_000_000, "1600-01-01T00:00:00.000Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        ] as [(Int64, String)])
    func formatsNegativeInstants(milliseconds: Int64, expected: String) {
        #expect(Timestamp.format(milliseconds: milliseconds) == expected)
    }

    @Test("Year 10000 keeps all five digits")
    func formatsFiveDigitYear() {
        #expect(Timestamp.format(milliseconds: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
    }

    @Test("Year before 1 is signed and padded")
    func formatsNegativeYear() {
        // 1 BC (ISO year 0) and 2 BC (ISO year -1), proleptic Gregorian.
        #expect(Timestamp.format(milliseconds: -62_167_219_200_000) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(milliseconds: -62_198_755_200_000) == "-0001-01-01T00:00:00.000Z")
    }

    @Test("Largest value formats without trapping")
    func largestValue() {
        #expect(Timestamp.format(milliseconds: .max).hasSuffix(".807Z"))
    }

    @Test("Smallest value formats without trapping")
    func smallestValue() async {
        await #expect(processExitsWith: .success) {
            _ = Timestamp.format(milliseconds: .min)
        }
    }

    @Test("Every millisecond of a leap day formats with that date")
    func leapDayHours() {
        let start: Int64 = 951_782_400_000
        for hour in Int64(0)..<24 {
            let text = Timestamp.format(milliseconds: start + hour * 3_600_000)
            #expect(text.hasPrefix("2000-02-29T"))
        }
    }

    @Test("Current time has the documented shape and is after 2024")
    func nowShape() {
        let now = Timestamp.nowMilliseconds()
        let text = Timestamp.format(milliseconds: now)

        #expect(now > 1_704_067_200_000)
        #expect(text.utf8.count == 24)
        #expect(text.hasSuffix("Z"))
        #expect(Array(text)[10] == "T")
        #expect(Array(text)[19] == ".")
    }
}
