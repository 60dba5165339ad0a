/// The members of one group as a ``PatchCollection``: each change goes to the store at once, inside
/// the request's transaction, and costs time in proportion to the members it names.
struct GroupMembership: PatchCollection {
    let groupID: String
    let teamID: Int64
    let transaction: any StoreTransaction
    let catalogue: ErrorCatalogue
    /// Whether any membership changed, so the group's version and lastModified move.
    private(set) var changed = false

    init(groupID: String, teamID: Int64, transaction: any StoreTransaction, catalogue: ErrorCatalogue) {
        self.groupID = groupID
        self.teamID = teamID
        self.transaction = transaction
        self.catalogue = catalogue
    }

    mutating func add(_ values: [JSONObject]) throws(SCIMError) {
        let members = try checkedMembers(values)
        if try transaction.addMembers(groupID: groupID, members) > 0 { changed = true }
    }

    mutating func remove(values: [String]) throws(SCIMError) -> Int {
        let removed = try transaction.removeMembers(groupID: groupID, userIDs: values)
        if removed > 0 { changed = true }
        return removed
    }

    mutating func remove(matching filter: Filter?) throws(SCIMError) -> Int {
        guard let filter else {
            let removed = try transaction.removeAllMembers(groupID: groupID)
            if removed > 0 { changed = true }
            return removed
        }
        if let ids = filter.memberValueEqualities() {
            // `members[value eq "…"]`, the form Okta and Entra ID send: only the named rows are read.
            let present = try transaction.members(groupID: groupID, userIDs: ids).map(\.userID)
            return try remove(values: present)
        }
        // Any other filter is evaluated against every member, which reads the whole group.
        let evaluator = FilterEvaluator(
            schemas: [
                Schema(
                    id: "", name: "members", attributes: Schema.group.attribute(named: "members")?.subAttributes ?? [])
            ])
        var matched: [String] = []
        for member in try transaction.members(groupID: groupID) {
            var object = JSONObject([("value", .string(member.userID))])
            if let display = member.display { object.set("display", .string(display)) }
            object.set("type", .string(member.type ?? "User"))
            if try evaluator.matches(filter, object) { matched.append(member.userID) }
        }
        return try remove(values: matched)
    }

    mutating func replaceAll(_ values: [JSONObject]) throws(SCIMError) {
        let members = try checkedMembers(values)
        if try transaction.removeAllMembers(groupID: groupID) > 0 { changed = true }
        if try transaction.addMembers(groupID: groupID, members) > 0 { changed = true }
    }

    /// Checks that every value names a user of the group's team and returns the members, each once.
    private func checkedMembers(_ values: [JSONObject]) throws(SCIMError) -> [GroupMember] {
        var members: [GroupMember] = []
        var seen = Set<String>()
        for value in values {
            guard let id = value["value"]?.stringValue else { continue }
            if let type = value["type"]?.stringValue, type.lowercased() != "user" {
                throw catalogue.invalidMember(id, reason: "only users can be members")
            }
            guard seen.insert(id).inserted else { continue }
            members.append(
                GroupMember(userID: id, display: value["display"]?.stringValue, type: value["type"]?.stringValue))
        }
        let found = try transaction.users(ids: members.map(\.userID).filter(ResourceID.isWellFormed))
        let teamUsers = Set(found.filter { $0.teamID == teamID }.map(\.id))
        if let stranger = members.first(where: { !teamUsers.contains($0.userID) }) {
            throw catalogue.invalidMember(stranger.userID, reason: "it is not a user of this team")
        }
        return members
    }
}

extension Filter {
    /// Returns the ids of `value eq "…"` comparisons joined by `or`, or nil for any other filter.
    func memberValueEqualities() -> [String]? {
        switch self {
        case .comparison(let path, .eq, .string(let id)?) where path.matches("value") && path.schema == nil:
            return [id]
        case .or(let left, let right):
            guard let leftIDs = left.memberValueEqualities(), let rightIDs = right.memberValueEqualities() else {
                return nil
            }
            return leftIDs + rightIDs
        default:
            return nil
        }
    }
}
