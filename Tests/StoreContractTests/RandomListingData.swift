import SCIMCore

/// A seeded generator (SplitMix64), so that every run builds the same records and filters.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random users, groups and filters for comparing the stores' SQL with ``FilterEvaluator``.
///
/// The strings mix letter case, characters whose folding is not ASCII (`Ö`, `ß`, `İ`), a combining
/// accent beside its precomposed form, quotes, backslashes and characters outside the BMP.
struct RandomListingData {
    static let words = [
        "alpha", "Alpha", "ALPHA", "alp", "ha", "", "Ölaf", "ölaf", "ÖLAF", "straße", "STRASSE", "İstanbul",
        "istanbul", "e\u{301}te", "éte", "a\"b", "back\\slash", "日本語", "🙂smile", "x", "X-ray", "zeta", "Zeta",
    ]
    static let baseTime: Int64 = 1_700_000_000_000

    var random: SeededGenerator

    mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }

    mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &random) < percent
    }

    mutating func word() -> String {
        pick(Self.words) + (chance(30) ? pick(Self.words) : "")
    }

    /// Builds user `number` of a team, with a random selection of attributes.
    mutating func user(_ number: Int, teamID: Int64) -> UserRecord {
        let created = Self.baseTime + Int64.random(in: 0..<5_000, using: &random)
        var user = UserRecord(
            id: "u\(teamID)-\(number)", teamID: teamID,
            userName: "\(pick(["user", "User", "ÜSER"]))\(number)@\(word()).example",
            givenName: chance(70) ? word() : nil, familyName: chance(60) ? word() : nil,
            externalID: chance(60) ? pick(["ext", "EXT", "ext-\(number)", "Ölaf"]) : nil, active: chance(60),
            created: created, lastModified: created + Int64.random(in: 0..<3, using: &random),
            version: Int64.random(in: 1...3, using: &random))
        var extra = JSONObject()
        for name in ["displayName", "nickName", "title", "userType"] where chance(50) {
            extra.set(name, .string(word()))
        }
        if chance(30) { extra.set("name", .object(JSONObject([("middleName", .string(word()))]))) }
        if chance(75) { extra.set("emails", .array((0..<Int.random(in: 0...3, using: &random)).map { _ in email() })) }
        if chance(30) {
            extra.set("phoneNumbers", .array([.object(JSONObject([("value", .string("+1 555 \(number)"))]))]))
        }
        if chance(20) {
            extra.set("addresses", .array([.object(JSONObject(chance(50) ? [("locality", .string(word()))] : []))]))
        }
        if chance(50) { extra.set(Schema.enterpriseUserURN, .object(enterprise())) }
        user.extraAttributes = extra
        return user
    }

    private mutating func email() -> JSONValue {
        var object = JSONObject()
        if chance(90) { object.set("value", .string("\(word())@\(pick(["Work", "home", "HOME"])).example")) }
        if chance(80) { object.set("type", .string(pick(["work", "Work", "home", "other"]))) }
        if chance(50) { object.set("primary", .bool(chance(50))) }
        return .object(object)
    }

    private mutating func enterprise() -> JSONObject {
        var object = JSONObject()
        if chance(70) { object.set("employeeNumber", .string(pick(["100", "0042", "A7", "a7"]))) }
        if chance(60) { object.set("department", .string(word())) }
        if chance(40) { object.set("manager", .object(JSONObject(chance(80) ? [("value", .string(word()))] : []))) }
        return object
    }

    /// Builds group `number`, with a random displayName and externalId.
    mutating func group(_ number: Int, teamID: Int64) -> GroupRecord {
        let created = Self.baseTime + Int64.random(in: 0..<5_000, using: &random)
        return GroupRecord(
            id: "g\(teamID)-\(number)", teamID: teamID, displayName: "\(word()) \(number)",
            externalID: chance(50) ? pick(["ext", "EXT", "Ölaf"]) : nil, created: created,
            lastModified: created + 1, version: Int64.random(in: 1...3, using: &random))
    }

    /// Picks members for a group among `userIDs`, each with a random display and type.
    mutating func members(of userIDs: [String]) -> [GroupMember] {
        userIDs.filter { _ in chance(25) }.map { id in
            GroupMember(
                userID: id, display: chance(50) ? word() : nil, type: chance(30) ? pick(["User", "user"]) : nil)
        }
    }
}
