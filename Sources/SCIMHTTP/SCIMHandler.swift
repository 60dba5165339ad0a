package import SCIMCore

/// Serves SCIM over HTTP: routes a request, authenticates it, counts it against the team's rate
/// limit, calls the service and writes the response. It is the only place where a ``SCIMError``
/// becomes an HTTP response, and it writes the one log line per request.
package final class SCIMHandler: HTTPHandler {
    package static let contentType = "application/scim+json"

    let service: SCIMService
    let logger: Logger
    /// The configured public base URL, without a trailing slash; nil derives it from `Host`.
    let configuredBaseURL: String?
    /// The listen address, for the base URL of a request without a `Host` header.
    let listenHost: String

    /// Whether a group PATCH in the rfc profile always returns 200 with the group, not 204.
    let groupPatchReturnsResource: Bool

    package init(
        service: SCIMService, logger: Logger, baseURL: String?, listenAddress: String,
        groupPatchReturnsResource: Bool = false
    ) {
        self.service = service
        self.groupPatchReturnsResource = groupPatchReturnsResource
        self.logger = logger
        self.configuredBaseURL = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.listenHost = listenAddress
    }

    package func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        let requestID = Self.makeRequestID()
        var teamID: Int64?
        let response: HTTPResponse
        do {
            response = try respond(to: request, requestID: requestID, teamID: &teamID)
        } catch {
            response = errorResponse(error, request: request, requestID: requestID)
        }
        logCompletion(request, response: response, requestID: requestID, teamID: teamID, started: started)
        return response
    }

    package func bodyTooLarge(_ request: HTTPRequest, limit: Int) -> HTTPResponse {
        let requestID = Self.makeRequestID()
        let response = errorResponse(.payloadTooLarge(limit: limit), request: request, requestID: requestID)
        logCompletion(request, response: response, requestID: requestID, teamID: nil, started: .now)
        return response
    }

    private func respond(to request: HTTPRequest, requestID: String, teamID: inout Int64?) throws(SCIMError)
        -> HTTPResponse
    {
        let target = try RequestTarget(request.target)
        guard let route = Route(segments: target.segments, profile: service.profile) else {
            throw .notFound("No SCIM endpoint at \(target.rawPath.prefix(200)).")
        }
        let allowed = route.methods(in: service.profile)
        guard allowed.contains(request.method) else {
            var error = SCIMError(status: 405, detail: "\(request.method.prefix(20)) is not allowed here.")
            error.underlying = allowed.joined(separator: ", ")
            throw error
        }
        let operation = route.operation(for: request.method)
        // Postman offers no ETags, so its profile ignores If-Match (RFC 7644 §3.14 makes them optional).
        let ifMatch = service.profile == .rfc ? request.header("If-Match").map(EntityTag.list) : nil
        let context = RequestContext(
            requestID: requestID, baseURL: publicBaseURL(request), logger: logger.with("scim.request.id", requestID),
            ifMatch: ifMatch)
        let isSearch = if case .search = route { true } else { false }
        guard request.method == "GET" || isSearch else {
            let caller = try authenticate(request, operation: operation, context: context)
            teamID = caller.team.id
            // Each bulk operation counts as one write, so the bulk request itself does not.
            if route != .bulk { try service.admit(caller, isWrite: true) }
            return try dispatch(route, request: request, target: target, caller: caller, context: context)
        }

        // A request that only reads authenticates and runs in one read transaction. The rate limit is
        // checked after it, so the limiter never needs a second store connection while the first is
        // held. That order changes no response: a limited read still gets 429, and the
        // outcome of the read, an error included, is returned only once the limit admits it.
        var outcome: Result<HTTPResponse, SCIMError> = .failure(.internalFailure("The read did not run."))
        let caller = try service.withSharedRead(operation, context) { joined throws(SCIMError) -> Caller in
            let caller = try authenticate(request, operation: operation, context: joined)
            outcome = Result { () throws(SCIMError) -> HTTPResponse in
                try dispatch(route, request: request, target: target, caller: caller, context: joined)
            }
            return caller
        }
        teamID = caller.team.id
        try service.admit(caller, isWrite: false)
        return notModifiedIfCurrent(try outcome.get(), request: request)
    }

    private func authenticate(_ request: HTTPRequest, operation: Operation, context: RequestContext)
        throws(SCIMError) -> Caller
    {
        try service.authenticate(
            authorization: request.header("Authorization"), apiKeyHeader: request.header("X-API-Key"),
            operation: operation, context: context)
    }

    /// Returns 304 for a GET whose `If-None-Match` names the resource's current ETag (RFC 7232 §3.2).
    private func notModifiedIfCurrent(_ response: HTTPResponse, request: HTTPRequest) -> HTTPResponse {
        guard service.profile == .rfc, request.method == "GET", response.status == 200,
            let etag = response.headers.first(where: { $0.name == "ETag" })?.value,
            let ifNoneMatch = request.header("If-None-Match")
        else { return response }
        let tags = EntityTag.list(ifNoneMatch)
        guard tags.contains("*") || tags.contains(where: { EntityTag.matchesWeakly($0, etag) }) else { return response }
        return HTTPResponse(status: 304, headers: [("ETag", etag)])
    }

    func dispatch(
        _ route: Route, request: HTTPRequest, target: RequestTarget, caller: Caller, context: RequestContext
    ) throws(SCIMError) -> HTTPResponse {
        let projection = try AttributeProjection(
            attributes: target.parameter("attributes"), excludedAttributes: target.parameter("excludedAttributes"))
        switch (route, request.method) {
        case (.serviceProviderConfig, _):
            return json(200, service.serviceProviderConfig(context: context))
        case (.resourceTypes, _):
            return json(200, service.resourceTypesListing(context: context))
        case (.resourceType(let name), _):
            return json(200, try service.resourceType(name: name, context: context))
        case (.schemas, _):
            return json(200, service.schemas(context: context))
        case (.schema(let id), _):
            return json(200, try service.schema(id: id, context: context))
        case (.bulk, _):
            return try bulk(request, caller: caller, context: context)
        case (.search(let scope), _):
            return try search(scope, request: request, caller: caller, context: context)
        case (.users, "GET"):
            return json(
                200, try service.listUsers(caller, listParameters(target), projection: projection, context: context))
        case (.users, _):
            let user = try service.createUser(caller, body: request.body, context: context)
            return created(user.resource, location: "\(context.baseURL)/Users/\(user.id)", projection)
        case (.user(let id), "GET"):
            return json(200, try service.getUser(caller, id: id, context: context), projection)
        case (.user(let id), "PUT"):
            return json(200, try service.replaceUser(caller, id: id, body: request.body, context: context), projection)
        case (.user(let id), "DELETE"):
            try service.deleteUser(caller, id: id, context: context)
            return HTTPResponse(status: 204)
        case (.user(let id), _):
            return json(200, try service.patchUser(caller, id: id, body: request.body, context: context), projection)
        default:
            return try dispatchGroups(
                route, request: request, target: target, caller: caller, projection: projection, context: context)
        }
    }

    private func dispatchGroups(
        _ route: Route, request: HTTPRequest, target: RequestTarget, caller: Caller, projection: AttributeProjection,
        context: RequestContext
    ) throws(SCIMError) -> HTTPResponse {
        switch (route, request.method) {
        case (.groups, "GET"):
            return json(
                200, try service.listGroups(caller, listParameters(target), projection: projection, context: context))
        case (.groups, _):
            let group = try service.createGroup(caller, body: request.body, projection: projection, context: context)
            return created(group.resource, location: "\(context.baseURL)/Groups/\(group.id)", .all)
        case (.group(let id), "GET"):
            return json(200, try service.getGroup(caller, id: id, projection: projection, context: context))
        case (.group(let id), "PUT"):
            return json(
                200,
                try service.replaceGroup(caller, id: id, body: request.body, projection: projection, context: context))
        case (.group(let id), "DELETE"):
            try service.deleteGroup(caller, id: id, context: context)
            return HTTPResponse(status: 204)
        case (.group(let id), _):
            let asksForResource = target.parameter("attributes") != nil || target.parameter("excludedAttributes") != nil
            let group = try service.patchGroup(
                caller, id: id, body: request.body, projection: projection,
                wantsRepresentation: asksForResource || groupPatchReturnsResource, context: context)
            return group.map { json(200, $0) } ?? HTTPResponse(status: 204)
        default:
            throw .notFound("No SCIM endpoint at \(target.rawPath.prefix(200)).")
        }
    }

    private func listParameters(_ target: RequestTarget) -> ListParameters {
        ListParameters(
            filter: target.parameter("filter"), startIndex: target.parameter("startIndex"),
            count: target.parameter("count"), sortBy: target.parameter("sortBy"),
            sortOrder: target.parameter("sortOrder"), cursor: target.parameter("cursor"))
    }

    private func created(_ resource: JSONValue, location: String, _ projection: AttributeProjection) -> HTTPResponse {
        var response = json(201, resource, projection)
        response.headers.append(("Location", location))
        return response
    }

    /// Encodes a resource or list; a resource with `meta.version` also gets it as its `ETag`.
    private func json(_ status: Int, _ value: JSONValue, _ projection: AttributeProjection = .all) -> HTTPResponse {
        let body = JSONWriter.encode(projection.apply(to: value))
        var response = HTTPResponse(status: status, headers: [("Content-Type", Self.contentType)], body: body)
        if let version = value.objectValue?["meta"]?.objectValue?["version"]?.stringValue {
            response.headers.append(("ETag", version))
        }
        return response
    }
}
