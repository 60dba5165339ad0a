import Foundation
import Glibc
import SCIMCore
import SCIMHTTP
import SCIMTestSupport
import Synchronization
import Testing

/// Records every request and responds `ok <body length>`. A `/slow` target waits 300 ms first, and a
/// `/hold` target waits until the test signals `gate` (at most 10 s).
final class RecordingHandler: HTTPHandler {
    let handled = Mutex<[HTTPRequest]>([])
    let rejected = Mutex<[HTTPRequest]>([])
    let gate = DispatchSemaphore(value: 0)
    let holding = Atomic<Int>(0)

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        handled.withLock { $0.append(request) }
        if request.target.hasPrefix("/slow") {
            usleep(300_000)
        }
        if request.target.hasPrefix("/hold") {
            holding.add(1, ordering: .relaxed)
            _ = gate.wait(timeout: .now() + 10)
            holding.subtract(1, ordering: .relaxed)
        }
        return HTTPResponse(
            status: 200,
            headers: [("Content-Type", "text/plain"), ("X-Handler", "recording")],
            body: Array("ok \(request.body.count)".utf8)
        )
    }

    func bodyTooLarge(_ request: HTTPRequest, limit: Int) -> HTTPResponse {
        rejected.withLock { $0.append(request) }
        return HTTPResponse(status: 413, headers: [("Content-Type", "text/plain")], body: Array("limit \(limit)".utf8))
    }

    var lastHandled: HTTPRequest? { handled.withLock { $0.last } }
}

/// A started server on 127.0.0.1 with a free port, its handler and its log lines.
struct RunningServer {
    let server: HTTPServer
    let handler = RecordingHandler()
    let logs = MemoryLogSink()
    let port: Int

    init(maxBodyBytes: Int = 1 << 20, threadCount: Int = 2, blockingThreadCount: Int = 32) throws {
        let configuration = HTTPServer.Configuration(
            host: "127.0.0.1", port: 0, threadCount: threadCount, maxBodyBytes: maxBodyBytes,
            blockingThreadCount: blockingThreadCount)
        let logger = Logger(label: "scim.http", minimumLevel: .debug, sink: logs)
        server = HTTPServer(configuration: configuration, handler: handler, logger: logger)
        port = try server.start().port
    }

    func connect() throws -> RawHTTPClient {
        try RawHTTPClient(port: port)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct HTTPServerTests {
    @Test func startReturnsBoundPort() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }

        #expect(running.port > 0)
        #expect(running.port != 8080)
        #expect(throws: HTTPServerError.alreadyStarted) { try running.server.start() }
    }

    @Test func startOnTakenPortThrowsAndLogsReason() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let logs = MemoryLogSink()
        let configuration = HTTPServer.Configuration(host: "127.0.0.1", port: running.port, threadCount: 1)
        let second = HTTPServer(
            configuration: configuration,
            handler: RecordingHandler(),
            logger: Logger(label: "scim.http", sink: logs)
        )

        #expect {
            try second.start()
        } throws: { error in
            guard case .startFailed(let reason) = error as? HTTPServerError else { return false }
            return reason.contains("Address already in use")
        }
        #expect(logs.lines.contains { $0.contains("error scim.http: HTTP server failed to start") })
    }

    @Test func invalidHostThrows() {
        let configuration = HTTPServer.Configuration(host: "not an address", port: 0)
        let logger = Logger(label: "scim.http", sink: MemoryLogSink())
        let server = HTTPServer(configuration: configuration, handler: RecordingHandler(), logger: logger)

        #expect(throws: HTTPServerError.invalidHost("not an address")) { try server.start() }
    }

    @Test func getRoundTrip() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()

        try client.send("GET /scim/v2/Users?count=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.text == "ok 0")
        #expect(response.header("X-Handler") == "recording")
        let request = try #require(running.handler.lastHandled)
        #expect(request.method == "GET")
        #expect(request.target == "/scim/v2/Users?count=2")
        #expect(request.header("host") == "127.0.0.1")
        #expect(request.header("Accept") == "*/*")
        #expect(request.body.isEmpty)
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()

        try client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n")
        let first = try client.readResponse()
        try client.send("GET /second HTTP/1.1\r\nHost: a\r\n\r\n")
        let second = try client.readResponse()

        #expect(first.status == 200)
        #expect(first.header("Connection") == nil)
        #expect(second.status == 200)
        #expect(running.handler.handled.withLock { $0.map(\.target) } == ["/first", "/second"])
    }

    @Test func bodySentInSeveralWritesArrivesWhole() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()
        let body = (0..<30_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

        try client.send("POST /scim/v2/Users HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.count)\r\n\r\n")
        for part in stride(from: 0, to: body.count, by: 10_000) {
            usleep(50_000)
            try client.send(Array(body[part..<part + 10_000]))
        }
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.text == "ok 30000")
        #expect(running.handler.lastHandled?.body == body)
    }

    @Test func chunkedBodyArrivesWhole() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()

        try client.send("PATCH /scim/v2/Users/1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        try client.send("5\r\nhello\r\n")
        usleep(20_000)
        try client.send("6\r\n world\r\n0\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(running.handler.lastHandled?.method == "PATCH")
        #expect(running.handler.lastHandled.map { String(decoding: $0.body, as: UTF8.self) } == "hello world")
    }

    @Test(arguments: ["POST", "PUT", "PATCH"])
    func contentLengthOverLimitGetsBodyTooLarge(method: String) throws {
        let running = try RunningServer(maxBodyBytes: 1024)
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()

        try client.send("\(method) /scim/v2/Users HTTP/1.1\r\nHost: a\r\nContent-Length: 1025\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 413)
        #expect(response.text == "limit 1024")
        #expect(client.isClosedByServer())
        #expect(running.handler.handled.withLock { $0.isEmpty })
        let rejected = try #require(running.handler.rejected.withLock { $0.first })
        #expect(rejected.method == method)
        #expect(rejected.target == "/scim/v2/Users")
        #expect(rejected.body.isEmpty)
    }

    @Test func bodyAtLimitReachesHandler() throws {
        let running = try RunningServer(maxBodyBytes: 1024)
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()

        try client.send(
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n\r\n" + String(repeating: "a", count: 1024))
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.text == "ok 1024")
    }

    @Test func chunkedBodyGrowingOverLimitGetsBodyTooLarge() throws {
        let running = try RunningServer(maxBodyBytes: 1024)
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()
        let chunk = "200\r\n" + String(repeating: "b", count: 512) + "\r\n"

        try client.send("POST /scim/v2/Users HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<3 {
            try client.send(chunk)
            usleep(20_000)
        }
        try? client.send("0\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 413)
        #expect(running.handler.handled.withLock { $0.isEmpty })
        #expect(running.handler.rejected.withLock { $0.count } == 1)
    }

    @Test func rawTargetKeepsEscapesAndPlus() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()
        let target = "/scim/v2/Users%2F?filter=userName+eq+%22a%40b%22&bad=%zz&x=%4"

        try client.send("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(running.handler.lastHandled?.target == target)
    }

    @Test func longTargetReachesHandler() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()
        let target = "/scim/v2/Users?filter=" + String(repeating: "x", count: 100_000)

        try client.send("GET \(target) HTTP/1.1\r\nHost: a\r\nUser-Agent: test\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(running.handler.lastHandled?.target == target)
    }

    @Test func manyHeadersArriveInOrder() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let client = try running.connect()
        let sent = (0..<200).map { (name: "X-Header-\($0)", value: "value \($0)") }

        let lines = sent.map { "\($0.name): \($0.value)\r\n" }.joined()
        try client.send("GET /h HTTP/1.1\r\nHost: a\r\n\(lines)\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        let received = try #require(running.handler.lastHandled?.headers)
        #expect(received.count == 201)
        #expect(received.dropFirst().map(\.name) == sent.map(\.name))
        #expect(received.dropFirst().map(\.value) == sent.map(\.value))
    }

    @Test func requestsRejectedByLibmicrohttpdLeaveNothingInFlight() throws {
        let running = try RunningServer()
        defer { running.server.shutdown(gracePeriodSeconds: 1) }

        let malformed = try running.connect()
        try malformed.send("GET /x HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n")
        let malformedResponse = try malformed.readResponse()
        try waitUntil { running.server.requestsInFlight == 0 }
        do {
            // Closed when this scope ends, with 7 of the 10 announced body bytes unsent. The close
            // comes after libmicrohttpd has read the request, because libmicrohttpd 0.9.75 may miss
            // a close that arrives together with the data until the connection times out.
            let abandoned = try running.connect()
            try abandoned.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
            try waitUntil { running.server.requestsInFlight == 1 }
            usleep(20_000)
        }

        #expect(malformedResponse.status == 400)
        #expect(malformed.isClosedByServer())
        try waitUntil { running.server.requestsInFlight == 0 }
        #expect(running.handler.handled.withLock { $0.isEmpty })
    }

    @Test func shutdownFinishesSlowRequestThenRefusesConnections() throws {
        let running = try RunningServer()
        let client = try running.connect()
        try client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        try waitUntil { running.server.requestsInFlight == 1 }

        // A thread of its own, because tests running in parallel may occupy every task executor thread.
        let finished = Mutex(false)
        Thread.detachNewThread {
            running.server.shutdown(gracePeriodSeconds: 5)
            finished.withLock { $0 = true }
        }
        try waitUntil { RawHTTPClient.connectionError(port: running.port) == ECONNREFUSED }
        let response = try client.readResponse()
        try waitUntil { finished.withLock { $0 } }

        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(running.server.requestsInFlight == 0)
        #expect(RawHTTPClient.connectionError(port: running.port) == ECONNREFUSED)
        running.server.shutdown(gracePeriodSeconds: 1)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct BlockingPoolTests {
    @Test func heldWritesLeaveWorkerServingReads() throws {
        let running = try RunningServer(threadCount: 1)
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let writers = try (0..<3).map { _ in try running.connect() }
        for writer in writers {
            try writer.send("POST /hold HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}")
        }
        try waitUntil { running.handler.holding.load(ordering: .relaxed) == 3 }

        let reader = try running.connect()
        try reader.send("GET /read HTTP/1.1\r\nHost: a\r\n\r\n")
        let read = try reader.readResponse()
        #expect(read.status == 200)
        #expect(running.handler.holding.load(ordering: .relaxed) == 3)

        for _ in writers { running.handler.gate.signal() }
        for writer in writers {
            let response = try writer.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "ok 2")
        }
    }

    @Test func withoutPoolWritesRunOnWorker() throws {
        let running = try RunningServer(threadCount: 1, blockingThreadCount: 0)
        defer { running.server.shutdown(gracePeriodSeconds: 1) }
        let writer = try running.connect()
        try writer.send("POST /hold HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        try waitUntil { running.handler.holding.load(ordering: .relaxed) == 1 }
        running.handler.gate.signal()

        let response = try writer.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "ok 0")
    }

    @Test func shutdownWaitsForPooledWrite() throws {
        let running = try RunningServer()
        let client = try running.connect()
        try client.send("POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        try waitUntil { running.server.requestsInFlight == 1 }

        let finished = Mutex(false)
        Thread.detachNewThread {
            running.server.shutdown(gracePeriodSeconds: 5)
            finished.withLock { $0 = true }
        }
        let response = try client.readResponse()
        try waitUntil { finished.withLock { $0 } }

        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(running.server.requestsInFlight == 0)
    }
}

/// Polls `condition` every 5 ms for up to 5 s.
private func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for _ in 0..<1000 where !condition() {
        usleep(5_000)
    }
    try #require(condition(), sourceLocation: sourceLocation)
}
