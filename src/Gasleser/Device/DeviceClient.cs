using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser
{
    /// <summary>
    /// One GET /v1/data to a device, over a plain socket.
    ///
    /// Why not HttpClient: the device counts every request that reaches it, and .NET's handler
    /// re-sends a GET whose connection closed before any answer byte, even on a brand-new connection.
    /// Here exactly one request is written per call, on its own connection; nothing is ever re-sent,
    /// no proxy is consulted, redirects are not followed, the body is capped, and one timeout covers
    /// connect, headers and body. It connects to the addresses it is given (<see cref="EndpointResolver"/>
    /// looked the name up, once, for the session's turn): it never resolves a name itself.
    /// </summary>
    internal static class DeviceClient
    {
        /// <summary>A device answers with a few hundred bytes of JSON; anything past this is refused.</summary>
        public const int MaxBodyBytes = 64 * 1024;
        public const int MaxHeaderBytes = 16 * 1024;

        public static async Task<GasleserReading> GetReadingAsync(DeviceEndpoint endpoint, IReadOnlyList<IPAddress> addresses, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string name = endpoint.ComputerName;
            var progress = new Progress();
            using var timeoutSource = new CancellationTokenSource(timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            try
            {
                return await ExchangeAsync(endpoint, addresses, progress, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not GasleserException && linked.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw progress.Phase == ExchangePhase.Connect
                    ? ExchangeCauses.ConnectTimedOut(name, timeout)
                    : ExchangeCauses.AnswerTimedOut(name, progress.BytesReceived, timeout);
            }
            catch (SocketException ex) when (IsLocalResourceFailure(ex))
            {
                throw ExchangeCauses.OutOfResources(name, ex);
            }
            catch (SocketException ex)
            {
                throw Unreachable(name, endpoint.Port, progress, ExchangeCauses.Describe(ex), ex);
            }
            catch (IOException ex) when (IsLocalResourceFailure(ex.InnerException ?? ex))
            {
                throw ExchangeCauses.OutOfResources(name, ex);
            }
            catch (IOException ex) when (ex.InnerException is SocketException socketError)
            {
                throw Unreachable(name, endpoint.Port, progress, ExchangeCauses.Describe(socketError), ex);
            }
            catch (IOException ex)
            {
                throw Unreachable(name, endpoint.Port, progress, ex.Message.TrimEnd('.'), ex);
            }
        }

        /// <summary>
        /// True when <paramref name="ex"/> ended an exchange before its request was written: the connection was
        /// refused, or not accepted within the timeout. Such a request never reached the device.
        /// </summary>
        public static bool NeverSent(Exception ex) =>
            ex is GasleserUnreachableException { Phase: ExchangePhase.Connect } || ex is GasleserTimeoutException { Phase: ExchangePhase.Connect };

        private static GasleserUnreachableException Unreachable(string name, int port, Progress progress, string why, Exception inner)
        {
            if (progress.Phase != ExchangePhase.Answer)
            {
                return ExchangeCauses.NotConnected(name, port, why, inner);
            }

            // A reset (or an aborted connection) is the device's, or the network's, way of breaking it off.
            SocketError? code = (inner as SocketException ?? inner.InnerException as SocketException)?.SocketErrorCode;
            if (code == SocketError.ConnectionReset || code == SocketError.ConnectionAborted || code == SocketError.Shutdown)
            {
                return progress.BytesReceived == 0
                    ? ExchangeCauses.ResetWithoutAnswer(name, inner)
                    : ExchangeCauses.ResetMidAnswer(name, progress.BytesReceived, inner);
            }

            return ExchangeCauses.BrokeMidAnswer(name, why, inner);
        }

        /// <summary>How far one exchange got, for saying what failed.</summary>
        private sealed class Progress
        {
            public ExchangePhase Phase = ExchangePhase.Connect;
            public long BytesReceived;
        }

        private static async Task<GasleserReading> ExchangeAsync(DeviceEndpoint endpoint, IReadOnlyList<IPAddress> addresses, Progress progress, CancellationToken token)
        {
            progress.Phase = ExchangePhase.Connect;
            SocketException? lastError = null;
            foreach (IPAddress address in addresses)
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                // Closing the socket is the one way to abort a pending connect or read on every runtime.
                using CancellationTokenRegistration abort = token.Register(() => socket.Dispose());
                Hosting.ProcessWide.ConnectObserver?.Invoke(new IPEndPoint(address, endpoint.Port));
                try
                {
                    await socket.ConnectAsync(address, endpoint.Port).ConfigureAwait(false);
                }
                catch (SocketException ex) when (!token.IsCancellationRequested)
                {
                    lastError = ex;
                    continue;
                }

                progress.Phase = ExchangePhase.Answer;
                return await RequestAsync(socket, endpoint, progress, token).ConfigureAwait(false);
            }

            throw lastError ?? new SocketException((int)SocketError.HostNotFound);
        }

        private static async Task<GasleserReading> RequestAsync(Socket socket, DeviceEndpoint endpoint, Progress progress, CancellationToken token)
        {
            string name = endpoint.ComputerName;
            byte[] request = Encoding.ASCII.GetBytes(
                "GET /v1/data HTTP/1.1\r\n" +
                "Host: " + endpoint.HostHeader + "\r\n" +
                "Accept: application/json\r\n" +
                "Accept-Encoding: identity\r\n" +
                "User-Agent: Gasleser-PowerShell\r\n" +
                "Connection: close\r\n\r\n");

            using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(request, 0, request.Length, token).ConfigureAwait(false);

            var response = new HttpResponseReader(name);
            byte[] chunk = new byte[8192];
            while (true)
            {
                int read;
                try
                {
                    read = await stream.ReadAsync(chunk, 0, chunk.Length, token).ConfigureAwait(false);
                }
                catch (IOException reset) when (!token.IsCancellationRequested && response.CompleteAtReset())
                {
                    // The whole answer came, then a reset instead of a close (some small HTTP stacks do that): it is a
                    // reading. A body framed only by the end of the connection may have been cut by the reset, though:
                    // then the reset is what to report.
                    try
                    {
                        return response.ToReading();
                    }
                    catch (GasleserException cut) when (cut is GasleserInvalidResponseException || cut is GasleserUnreachableException)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(reset).Throw();
                        throw;
                    }
                }

                token.ThrowIfCancellationRequested();
                progress.BytesReceived += read;
                if (response.Append(chunk, read))
                {
                    return response.ToReading();
                }
            }
        }

        // Too many open files, no buffer space: the computer's own limits, whichever device was being asked.
        // Out of descriptors, the runtime cannot even open an assembly the exchange needs (a FileLoadException,
        // which is an IOException): that is no more the device's fault.
        private static bool IsLocalResourceFailure(Exception ex) => ex.GetBaseException() switch
        {
            SocketException socket => socket.SocketErrorCode == SocketError.TooManyOpenSockets || socket.SocketErrorCode == SocketError.NoBufferSpaceAvailable,
            FileLoadException _ => true,
            FileNotFoundException missing => missing.FileName?.IndexOf(", Version=", StringComparison.Ordinal) > 0, // an assembly, not a file of ours
            _ => false,
        };
    }
}
