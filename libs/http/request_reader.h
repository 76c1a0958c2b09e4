#pragma once
// Reading one request apart from the connection it came on: Beast's parser, the framing checks
// Beast leaves to the server, and the Request the handlers see. The server (server.cc) reads with
// these; the HTTP fuzzer (fuzz/http_request_fuzzer.cc) feeds them bytes.

#include <string>

#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/string_body.hpp"
#include "libs/http/message.h"

namespace seckill::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
using RequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

// Why a request's framing is refused, or empty when it is fine. Two servers in a row must agree
// where a request ends, or the rest of one is read as another (request smuggling): a
// Transfer-Encoding other than exactly "chunked", one beside a Content-Length, and a repeated
// Content-Length, Transfer-Encoding, Host, Authorization or Content-Type are refused rather than
// guessed at. Checked as soon as the header is read; the connection is closed after the answer.
std::string FramingError(const RequestMessage& header);

// The answer to a read that failed with `ec` (other than the connection ending): 431 for too
// large a header, 413 for too large a body, 400 for anything else malformed.
Response ReadError(const boost::system::error_code& ec);

// `message` as the handlers see it: the target split into path and query, header names lower
// case, one entry per name (a repeated header keeps its last value; FramingError has refused the
// repeats that matter). The body is moved out.
Request ToRequest(RequestMessage& message, std::string client_ip);

// The server's own error answers: {"error":{"code":..,"message":..}} with `code` and `message`
// literals that need no escaping.
Response PlainError(int status, const char* code, const char* message);

}  // namespace seckill::http
