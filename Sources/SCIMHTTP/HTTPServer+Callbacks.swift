import CMicroHTTPD
import Glibc
import SCIMCore
import Synchronization

// libmicrohttpd calls these C function pointers on its worker threads. Each receives the server as
// an unretained pointer, which stays valid because the server retains itself until the daemon stops.
// The per-request state travels in libmicrohttpd's per-request context pointer, retained once when
// the request line arrives and released once in the completion callback.

extension HTTPServer {
    /// Returns the libmicrohttpd options, with callbacks that forward to this server.
    func daemonOptions(
        flags: UInt32,
        address: UnsafePointer<sockaddr>,
        context: UnsafeMutableRawPointer
    ) -> scimd_daemon_options {
        scimd_daemon_options(
            flags: flags,
            address: address,
            context: context,
            access_handler: { context, connection, _, method, _, uploadData, uploadDataSize, requestContext in
                guard let context, let connection, let uploadDataSize, let requestContext else { return .NO }
                return unretainedServer(context).access(
                    connection: connection, method: method, uploadData: uploadData,
                    uploadDataSize: uploadDataSize, requestContext: requestContext)
            },
            completed_handler: { context, _, requestContext, _ in
                guard let context, let requestContext, let state = requestContext.pointee else { return }
                requestContext.pointee = nil
                Unmanaged<RequestState>.fromOpaque(state).release()
                unretainedServer(context).requestCompleted()
            },
            uri_logger: { context, uri, _ in
                guard let context else { return nil }
                return unretainedServer(context).requestStarted(target: uri.map { String(cString: $0) } ?? "")
            },
            error_logger: { context, format, arguments in
                guard let context, let format, let arguments else { return }
                var buffer = [CChar](repeating: 0, count: 512)
                _ = vsnprintf(&buffer, buffer.count, format, arguments)
                unretainedServer(context).daemonLogged(buffer)
            },
            thread_pool_size: UInt32(configuration.threadCount),
            connection_timeout_seconds: UInt32(configuration.connectionTimeoutSeconds),
            connection_limit: UInt32(configuration.connectionLimit),
            listen_backlog: UInt32(configuration.listenBacklog),
            connection_memory_limit: configuration.connectionMemoryLimit
        )
    }

    /// Counts a new request and returns its retained state for libmicrohttpd's context pointer.
    ///
    /// libmicrohttpd calls the URI logger before it parses the request, with the target as sent.
    /// Version 0.9.75 also reports completion for requests it rejects itself, such as a malformed
    /// header line, before the access handler runs, so every count and retain here is undone.
    private func requestStarted(target: String) -> UnsafeMutableRawPointer {
        requests.withLock { $0.inFlight += 1 }
        return Unmanaged.passRetained(RequestState(target: target)).toOpaque()
    }

    private func requestCompleted() {
        requests.withLock { $0.inFlight -= 1 }
    }

    /// Logs a libmicrohttpd message and keeps it as the reason for a failed start.
    private func daemonLogged(_ buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        var message = String(decoding: bytes, as: UTF8.self)
        while message.last?.isWhitespace == true {
            message.removeLast()
        }
        lastDaemonMessage.withLock { $0 = message }
        logger.warning("libmicrohttpd reported an error", ["mhd.message": message])
    }

    /// Runs one access-handler call: the first call of a request only prepares it, the calls with
    /// body bytes collect them, and the final call (no bytes) sends the response.
    private func access(
        connection: OpaquePointer,
        method: UnsafePointer<CChar>?,
        uploadData: UnsafePointer<CChar>?,
        uploadDataSize: UnsafeMutablePointer<Int>,
        requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let pointer = requestContext.pointee else {
            logger.error("HTTP request arrived without request state; closing the connection")
            return .NO
        }
        let request = Unmanaged<RequestState>.fromOpaque(pointer).takeUnretainedValue()

        switch request.phase {
        case .awaitingHeaders:
            return begin(request, method: method, connection: connection)
        case .responded:
            uploadDataSize.pointee = 0
            return .YES
        case .awaitingResponse:
            // libmicrohttpd calls again after the blocking pool resumed the connection.
            guard let response = request.pendingResponse else { return .YES }
            request.phase = .responded
            request.pendingResponse = nil
            return queue(response, on: connection)
        case .receivingBody, .overLimit:
            guard uploadDataSize.pointee == 0 else {
                request.receive(uploadData, count: uploadDataSize.pointee, limit: configuration.maxBodyBytes)
                uploadDataSize.pointee = 0
                return .YES
            }
            return finish(request, connection: connection)
        }
    }

    /// Records the method, and sends `bodyTooLarge` at once when `Content-Length` exceeds the limit.
    private func begin(_ request: RequestState, method: UnsafePointer<CChar>?, connection: OpaquePointer) -> MHD_Result
    {
        request.method = method.map { String(cString: $0) } ?? ""
        request.phase = .receivingBody
        guard let length = announcedContentLength(of: connection), length > UInt64(configuration.maxBodyBytes) else {
            return .YES
        }

        // Queued before the body is read, so libmicrohttpd sends no `100 Continue` and closes
        // the connection after the response instead of reading the body.
        request.phase = .responded
        let message = HTTPRequest(
            method: request.method,
            target: request.target,
            headers: requestHeaders(of: connection),
            body: []
        )
        return queue(handler.bodyTooLarge(message, limit: configuration.maxBodyBytes), on: connection)
    }

    /// Calls the handler with the whole request, or `bodyTooLarge` when the body passed the limit.
    private func finish(_ request: RequestState, connection: OpaquePointer) -> MHD_Result {
        let message = HTTPRequest(
            method: request.method,
            target: request.target,
            headers: requestHeaders(of: connection),
            body: request.body
        )
        request.body = []
        if request.phase == .overLimit {
            request.phase = .responded
            return queue(handler.bodyTooLarge(message, limit: configuration.maxBodyBytes), on: connection)
        }
        guard let blockingPool, message.method != "GET", message.method != "HEAD" else {
            request.phase = .responded
            return queue(handler.handle(message), on: connection)
        }

        // The connection sleeps until the pool has the response. libmicrohttpd then calls the access
        // handler again, which queues it; the resume orders the pool's write before that read.
        request.phase = .awaitingResponse
        MHD_suspend_connection(connection)
        let suspended = SuspendedRequest(state: request, connection: connection)
        blockingPool.submit { [handler] in
            suspended.state.pendingResponse = handler.handle(message)
            MHD_resume_connection(suspended.connection)
        }
        return .YES
    }
}

/// Returns the server behind a callback's context pointer without retaining it.
private func unretainedServer(_ context: UnsafeMutableRawPointer) -> HTTPServer {
    Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
}

/// A request handed to the blocking pool while its connection is suspended.
///
/// `@unchecked Sendable` because exactly one thread touches the state at a time: the worker thread
/// until it suspends the connection, the pool thread until it resumes it, then the worker again.
private struct SuspendedRequest: @unchecked Sendable {
    let state: RequestState
    let connection: OpaquePointer
}

/// Per-request state kept while libmicrohttpd processes one request.
///
/// Not `Sendable`: libmicrohttpd handles a connection on one worker thread, so a request's state is
/// only touched by that thread, except while the blocking pool holds it (see ``SuspendedRequest``).
final class RequestState {
    enum Phase {
        /// The request line has arrived, but the access handler has not yet run.
        case awaitingHeaders
        /// Headers are complete and body bytes, if any, are being collected.
        case receivingBody
        /// The body passed the limit, so further bytes are dropped and the final call sends `bodyTooLarge`.
        // NOTE: libmicrohttpd 0.9.75 rejects MHD_queue_response while body bytes are still arriving,
        // so a chunked body that passes the limit is read to its end, and dropped, before the client
        // gets `bodyTooLarge`. Memory stays bounded but upload time does not. Returning MHD_NO at once
        // would end the upload sooner, but the client would get a reset instead of the response.
        case overLimit
        /// The connection is suspended while the blocking pool runs the handler.
        case awaitingResponse
        /// A response is queued, and nothing else is done for this request.
        case responded
    }

    /// The request target as sent, from the URI logger.
    let target: String
    var method = ""
    var body: [UInt8] = []
    var phase = Phase.awaitingHeaders
    /// The blocking pool's response, set before it resumes the connection.
    var pendingResponse: HTTPResponse?

    init(target: String) {
        self.target = target
    }

    /// Appends body bytes, or drops the body once it would pass `limit`, so at most `limit` bytes
    /// are ever kept.
    func receive(_ bytes: UnsafePointer<CChar>?, count: Int, limit: Int) {
        guard phase == .receivingBody, let bytes else { return }
        guard body.count + count <= limit else {
            phase = .overLimit
            body = []
            return
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
