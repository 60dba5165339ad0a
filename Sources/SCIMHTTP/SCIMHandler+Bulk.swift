import SCIMCore

extension SCIMHandler {
    /// Runs a bulk request (RFC 7644 §3.7): each operation in its own transaction, in order, except that
    /// an operation waits for the operations whose `bulkId` it references. References that can never be
    /// resolved, circular ones included, fail with 409; `failOnErrors` stops after that many errors.
    func bulk(_ request: HTTPRequest, caller: Caller, context: RequestContext) throws(SCIMError) -> HTTPResponse {
        let parsed = try BulkRequest.parse(request.body, maxOperations: SCIMService.maxBulkOperations)
        var resolved: [String: String] = [:]
        var results: [Int: JSONValue] = [:]
        var pending = Array(parsed.operations.indices)
        var errors = 0
        while !pending.isEmpty, parsed.failOnErrors.map({ errors < $0 }) ?? true {
            guard let next = pending.firstIndex(where: { parsed.operations[$0].references.isSubset(of: resolved.keys) })
            else { break }
            let index = pending.remove(at: next)
            let operation = parsed.operations[index]
            let outcome = perform(operation, resolved: resolved, caller: caller, context: context)
            if let bulkId = operation.bulkId, let id = outcome.id { resolved[bulkId] = id }
            if outcome.status >= 400 { errors += 1 }
            results[index] = outcome.result
        }
        let stoppedOnErrors = parsed.failOnErrors.map { errors >= $0 } ?? false
        for index in pending where !stoppedOnErrors {
            let operation = parsed.operations[index]
            let error = SCIMError(
                status: 409, scimType: .invalidValue,
                detail: "The operation references bulkIds that never resolve, or refer to each other in a circle.")
            results[index] = operation.result(status: 409, error: error)
        }
        let operations = parsed.operations.indices.compactMap { results[$0] }
        let body = JSONObject([
            ("schemas", .array([.string("urn:ietf:params:scim:api:messages:2.0:BulkResponse")])),
            ("Operations", .array(operations)),
        ])
        return HTTPResponse(
            status: 200, headers: [("Content-Type", Self.contentType)], body: JSONWriter.encode(.object(body)))
    }

    private func perform(
        _ operation: BulkOperation, resolved: [String: String], caller: Caller, context: RequestContext
    )
        -> (status: Int, id: String?, result: JSONValue)
    {
        let path = operation.path.replacingBulkIDs(resolved)
        let body = operation.data.map { JSONWriter.encode($0.replacingBulkIDs(resolved)) } ?? []
        let subRequest = HTTPRequest(method: operation.method, target: "/scim/v2" + path, headers: [], body: body)
        var subContext = context
        subContext.ifMatch = operation.version.map { [$0] }
        do throws(SCIMError) {
            let target = try RequestTarget(subRequest.target)
            guard let route = Route(segments: target.segments, profile: service.profile),
                route.isBulkTarget, route.methods(in: service.profile).contains(operation.method)
            else { throw SCIMError.invalidValue("Bulk cannot run \(operation.method) \(path.prefix(200)).") }
            try service.admit(caller, isWrite: true)
            let response = try dispatch(route, request: subRequest, target: target, caller: caller, context: subContext)
            let resource = try? JSONParser.parse(response.body)
            let id = resource?.objectValue?["id"]?.stringValue ?? route.resourceID
            let location = resource?.objectValue?["meta"]?.objectValue?["location"]?.stringValue
            let version = resource?.objectValue?["meta"]?.objectValue?["version"]?.stringValue
            return (
                response.status, id, operation.result(status: response.status, location: location, version: version)
            )
        } catch {
            return (error.status, nil, operation.result(status: error.status, error: error))
        }
    }
}

/// A parsed bulk request.
struct BulkRequest {
    static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"

    var failOnErrors: Int?
    var operations: [BulkOperation]

    /// Parses and checks a bulk body.
    /// - Throws: `invalidSyntax`/`invalidValue` for a malformed request; 413 past `maxOperations`.
    static func parse(_ body: [UInt8], maxOperations: Int) throws(SCIMError) -> BulkRequest {
        let object = try parseObject(body)
        try checkSchemas(object, allowed: [schemaURN], required: schemaURN)
        guard let items = object.value(forAttribute: "Operations")?.arrayValue else {
            throw .invalidSyntax("The bulk request needs an 'Operations' array.")
        }
        guard items.count <= maxOperations else {
            throw SCIMError(
                status: 413, detail: "A bulk request may carry at most \(maxOperations) operations, not \(items.count)."
            )
        }
        var failOnErrors: Int?
        if let value = object.value(forAttribute: "failOnErrors") {
            guard case .integer(let number) = value, number > 0 else {
                throw .invalidValue("'failOnErrors' must be a positive integer.")
            }
            failOnErrors = Int(number)
        }
        var operations: [BulkOperation] = []
        var bulkIDs = Set<String>()
        for (position, item) in items.enumerated() {
            let operation = try BulkOperation(item, position: position)
            if let bulkId = operation.bulkId, !bulkIDs.insert(bulkId).inserted {
                throw .invalidValue("The bulkId '\(bulkId)' is used by more than one operation.")
            }
            operations.append(operation)
        }
        return BulkRequest(failOnErrors: failOnErrors, operations: operations)
    }
}

/// One operation of a bulk request.
struct BulkOperation {
    var method: String
    var bulkId: String?
    var version: String?
    var path: String
    var data: JSONValue?
    /// The bulkIds this operation's path and data reference.
    var references: Set<String>

    init(_ item: JSONValue, position: Int) throws(SCIMError) {
        guard let object = item.objectValue else { throw .invalidSyntax("Operation \(position + 1) is not an object.") }
        guard let method = object.value(forAttribute: "method")?.stringValue?.uppercased(),
            ["POST", "PUT", "PATCH", "DELETE"].contains(method)
        else { throw .invalidValue("Operation \(position + 1) needs a 'method' of POST, PUT, PATCH or DELETE.") }
        guard let path = object.value(forAttribute: "path")?.stringValue, path.hasPrefix("/") else {
            throw .invalidValue("Operation \(position + 1) needs a 'path' such as /Users.")
        }
        self.method = method
        self.path = path
        bulkId = object.value(forAttribute: "bulkId")?.stringValue
        version = object.value(forAttribute: "version")?.stringValue
        data = object.value(forAttribute: "data")
        if method == "POST", bulkId == nil { throw .invalidValue("Operation \(position + 1) (POST) needs a 'bulkId'.") }
        if method != "DELETE", data == nil { throw .invalidValue("Operation \(position + 1) needs 'data'.") }
        references = path.bulkIDReferences().union(data?.bulkIDReferences() ?? [])
    }

    /// Returns this operation's entry in the bulk response.
    func result(status: Int, location: String? = nil, version: String? = nil, error: SCIMError? = nil) -> JSONValue {
        var object = JSONObject([("method", .string(method))])
        if let bulkId { object.set("bulkId", .string(bulkId)) }
        if let version { object.set("version", .string(version)) }
        if let location { object.set("location", .string(location)) }
        object.set("status", .string(String(status)))
        if let error { object.set("response", error.body) }
        return .object(object)
    }
}

extension String {
    /// Returns the bulkIds referenced as `bulkId:ID` in a path.
    fileprivate func bulkIDReferences() -> Set<String> {
        Set(split(separator: "/").compactMap { $0.hasPrefix("bulkId:") ? String($0.dropFirst(7)) : nil })
    }

    fileprivate func replacingBulkIDs(_ resolved: [String: String]) -> String {
        split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("bulkId:") ? resolved[String(segment.dropFirst(7))] ?? String(segment) : String(segment)
        }.joined(separator: "/")
    }
}

extension JSONValue {
    /// Returns every bulkId referenced as a `"bulkId:ID"` string value anywhere inside.
    fileprivate func bulkIDReferences() -> Set<String> {
        switch self {
        case .string(let text): text.hasPrefix("bulkId:") ? [String(text.dropFirst(7))] : []
        case .array(let items): items.reduce(into: Set<String>()) { $0.formUnion($1.bulkIDReferences()) }
        case .object(let object):
            object.members.reduce(into: Set<String>()) { $0.formUnion($1.value.bulkIDReferences()) }
        default: []
        }
    }

    fileprivate func replacingBulkIDs(_ resolved: [String: String]) -> JSONValue {
        switch self {
        case .string(let text) where text.hasPrefix("bulkId:"):
            return .string(resolved[String(text.dropFirst(7))] ?? text)
        case .array(let items):
            return .array(items.map { $0.replacingBulkIDs(resolved) })
        case .object(let object):
            return .object(JSONObject(object.members.map { ($0.key, $0.value.replacingBulkIDs(resolved)) }))
        default:
            return self
        }
    }
}
