package import SCIMCore

/// Serves SCIM over HTTP: routes a request, authenticates it, counts it against the team's rate
/// limit, calls the service and writes the response. It is the only place where a ``SCIMError``
/// becomes an HTTP response, and it writes the one log line per request.
package final class SCIMHandler: HTTPHandler {
    package static let contentType = "application/scim+json"

    private let service: SCIMService
    let logger: Logger
    /// The configured public base URL, without a trailing slash; nil derives it from `Host`.
    let configuredBaseURL: String?
    /// The listen address, for the base URL of a request without a `Host` header.
    let listenHost: String

    package init(service: SCIMService, logger: Logger, baseURL: String?, listenAddress: String) {
        self.service = service
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
        guard let route = Route(segments: target.segments) else {
            throw .notFound("No SCIM endpoint at \(target.rawPath.prefix(200)).")
        }
        let allowed = route.methods(in: service.profile)
        guard allowed.contains(request.method) else {
            var error = SCIMError(status: 405, detail: "\(request.method.prefix(20)) is not allowed here.")
            error.underlying = allowed.joined(separator: ", ")
            throw error
        }
        let operation = route.operation(for: request.method)
        let context = RequestContext(
            requestID: requestID, baseURL: publicBaseURL(request), logger: logger.with("scim.request.id", requestID))
        let caller = try service.authenticate(
            authorization: request.header("Authorization"), apiKeyHeader: request.header("X-API-Key"),
            operation: operation, context: context)
        teamID = caller.team.id
        try service.admit(caller, isWrite: request.method != "GET")
        return try dispatch(route, request: request, target: target, caller: caller, context: context)
    }

    private func dispatch(
        _ route: Route, request: HTTPRequest, target: RequestTarget, caller: Caller, context: RequestContext
    ) throws(SCIMError) -> HTTPResponse {
        switch (route, request.method) {
        case (.serviceProviderConfig, _):
            return json(200, service.serviceProviderConfig(context: context))
        case (.resourceTypes, _):
            return json(200, service.resourceTypes(context: context))
        case (.users, "GET"):
            let parameters = ListParameters(
                filter: target.parameter("filter"), startIndex: target.parameter("startIndex"),
                count: target.parameter("count"))
            return json(200, try service.listUsers(caller, parameters, context: context))
        case (.users, _):
            let created = try service.createUser(caller, body: request.body, context: context)
            var response = json(201, created.resource)
            response.headers.append(("Location", "\(context.baseURL)/Users/\(created.id)"))
            return response
        case (.user(let id), "GET"):
            return json(200, try service.getUser(caller, id: id, context: context))
        case (.user(let id), "PUT"):
            return json(200, try service.replaceUser(caller, id: id, body: request.body, context: context))
        case (.user(let id), _):
            return json(200, try service.patchUser(caller, id: id, body: request.body, context: context))
        }
    }

    private func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", Self.contentType)], body: JSONWriter.encode(value))
    }
}
