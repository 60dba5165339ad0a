import SCIMCore

extension SCIMHandler {
    /// Runs `POST /.search` (RFC 7644 §3.4.3) on users, groups or, at the root, both: users first, then
    /// groups, paged as one list, each type sorted by `sortBy` on its own. At the root a filter that one
    /// resource type cannot evaluate matches none of that type.
    func search(_ scope: Route.SearchScope, request: HTTPRequest, caller: Caller, context: RequestContext)
        throws(SCIMError) -> HTTPResponse
    {
        let search = try SearchRequest.parse(request.body)
        let parameters = ListParameters(
            filter: search.filter, startIndex: search.startIndex.map(String.init), count: search.count.map(String.init),
            sortBy: search.sortBy, sortOrder: search.sortOrder, cursor: search.cursor)
        let projection = try AttributeProjection(
            attributes: search.attributes, excludedAttributes: search.excludedAttributes)
        switch scope {
        case .users:
            return jsonResponse(try service.listUsers(caller, parameters, projection: projection, context: context))
        case .groups:
            return jsonResponse(try service.listGroups(caller, parameters, projection: projection, context: context))
        case .root:
            // NOTE: a search at the root pages by startIndex only, so a cursor there gets 400 invalidValue.
            // Offering it would take a cursor that crosses from the users to the groups.
            guard search.cursor == nil else {
                throw .invalidValue(
                    "A search at the root pages by startIndex only; search /Users or /Groups by cursor.")
            }
            return jsonResponse(try searchBoth(search, projection: projection, caller: caller, context: context))
        }
    }

    private func searchBoth(
        _ search: SearchRequest, projection: AttributeProjection, caller: Caller, context: RequestContext
    )
        throws(SCIMError) -> JSONValue
    {
        let startIndex = max(1, search.startIndex ?? 1)
        let count = min(SCIMService.maxPageSize, max(0, search.count ?? SCIMService.maxPageSize))
        let userTotal = try total(of: .users, search, caller: caller, context: context)
        let groupTotal = try total(of: .groups, search, caller: caller, context: context)
        var resources: [JSONValue] = []
        if count > 0, startIndex <= userTotal {
            let users = ListParameters(
                filter: search.filter, startIndex: String(startIndex), count: String(count), sortBy: search.sortBy,
                sortOrder: search.sortOrder)
            resources += try service.listUsers(caller, users, projection: projection, context: context).resources
        }
        let groupStart = max(1, startIndex - userTotal)
        if resources.count < count, groupStart <= groupTotal {
            let groups = ListParameters(
                filter: search.filter, startIndex: String(groupStart), count: String(count - resources.count),
                sortBy: search.sortBy, sortOrder: search.sortOrder)
            resources += try service.listGroups(caller, groups, projection: projection, context: context).resources
        }
        return service.listResponse(
            total: userTotal + groupTotal, startIndex: startIndex, count: count, resources: resources)
    }

    private func total(of scope: Route.SearchScope, _ search: SearchRequest, caller: Caller, context: RequestContext)
        throws(SCIMError) -> Int
    {
        // sortBy goes along, so that one the resource type does not define is an error whatever the page.
        let parameters = ListParameters(
            filter: search.filter, count: "0", sortBy: search.sortBy, sortOrder: search.sortOrder)
        do {
            let list =
                scope == .users
                ? try service.listUsers(caller, parameters, context: context)
                : try service.listGroups(caller, parameters, projection: .all, context: context)
            guard case .integer(let total)? = list.objectValue?["totalResults"] else { return 0 }
            return Int(total)
        } catch  where error.scimType == .invalidFilter {
            return 0
        }
    }

    private func jsonResponse(_ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", Self.contentType)], body: JSONWriter.encode(value))
    }
}

/// A `SearchRequest` body (RFC 7644 §3.4.3).
struct SearchRequest {
    static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

    var filter: String?
    var attributes: String?
    var excludedAttributes: String?
    var startIndex: Int?
    var count: Int?
    var sortBy: String?
    var sortOrder: String?
    /// RFC 9865's `cursor` (§3): empty for the first page.
    var cursor: String?

    /// Parses and checks a search body.
    /// - Throws: `invalidSyntax` or `invalidValue` naming the problem.
    static func parse(_ body: [UInt8]) throws(SCIMError) -> SearchRequest {
        let object = try parseObject(body)
        try checkSchemas(object, allowed: [schemaURN], required: schemaURN)
        var search = SearchRequest()
        search.filter = try string(object, "filter")
        search.attributes = try names(object, "attributes")
        search.excludedAttributes = try names(object, "excludedAttributes")
        search.startIndex = try integer(object, "startIndex")
        search.count = try integer(object, "count")
        search.sortBy = try string(object, "sortBy")
        search.sortOrder = try string(object, "sortOrder")
        search.cursor = try string(object, "cursor")
        return search
    }

    private static func string(_ object: JSONObject, _ name: String) throws(SCIMError) -> String? {
        guard let value = object.value(forAttribute: name), value != .null else { return nil }
        guard let text = value.stringValue else { throw .invalidValue("'\(name)' must be a string.") }
        return text
    }

    private static func names(_ object: JSONObject, _ name: String) throws(SCIMError) -> String? {
        guard let value = object.value(forAttribute: name), value != .null else { return nil }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw .invalidValue("'\(name)' must be an array of attribute names.")
        }
        return items.compactMap(\.stringValue).joined(separator: ",")
    }

    private static func integer(_ object: JSONObject, _ name: String) throws(SCIMError) -> Int? {
        guard let value = object.value(forAttribute: name), value != .null else { return nil }
        guard case .integer(let number) = value, let small = Int(exactly: number) else {
            throw .invalidValue("'\(name)' must be an integer.")
        }
        return small
    }
}

extension JSONValue {
    /// The `Resources` of a ListResponse.
    fileprivate var resources: [JSONValue] {
        objectValue?["Resources"]?.arrayValue ?? []
    }
}
