using System;
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
    /// name resolution, connect, headers and body.
    /// </summary>
    public static class DeviceClient
    {
        /// <summary>A device answers with a few hundred bytes of JSON; anything past this is refused.</summary>
        public const int MaxBodyBytes = 64 * 1024;
        public const int MaxHeaderBytes = 16 * 1024;

        public static async Task<GasleserReading> GetReadingAsync(DeviceEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string name = endpoint.ComputerName;
            using var timeoutSource = new CancellationTokenSource(timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            try
            {
                return await ExchangeAsync(endpoint, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not GasleserException && linked.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new GasleserTimeoutException(
                    $"{name} did not answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.", name);
            }
            catch (SocketException ex)
            {
                throw new GasleserUnreachableException($"{name} could not be reached: {Describe(ex)}.", name, ex);
            }
            catch (IOException ex) when (ex.InnerException is SocketException socketError)
            {
                throw new GasleserUnreachableException($"{name} could not be reached: {Describe(socketError)}.", name, ex);
            }
            catch (IOException ex)
            {
                throw new GasleserUnreachableException($"{name} could not be reached: {ex.Message}", name, ex);
            }
        }

        private static async Task<GasleserReading> ExchangeAsync(DeviceEndpoint endpoint, CancellationToken token)
        {
            IPAddress[] addresses = endpoint.Address != null
                ? new[] { endpoint.Address }
                : await ResolveAsync(endpoint, token).ConfigureAwait(false);

            SocketException? lastError = null;
            foreach (IPAddress address in addresses)
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                // Closing the socket is the one way to abort a pending connect or read on every runtime.
                using CancellationTokenRegistration abort = token.Register(() => socket.Dispose());
                try
                {
                    await socket.ConnectAsync(address, endpoint.Port).ConfigureAwait(false);
                }
                catch (SocketException ex) when (!token.IsCancellationRequested)
                {
                    lastError = ex;
                    continue;
                }

                return await RequestAsync(socket, endpoint, token).ConfigureAwait(false);
            }

            throw lastError ?? new SocketException((int)SocketError.HostNotFound);
        }

        private static async Task<IPAddress[]> ResolveAsync(DeviceEndpoint endpoint, CancellationToken token)
        {
            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(endpoint.Host);
            var cancelled = new TaskCompletionSource<bool>();
            using (token.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(lookup, cancelled.Task).ConfigureAwait(false) != lookup)
                {
                    _ = lookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    token.ThrowIfCancellationRequested();
                }
            }

            IPAddress[] found;
            try
            {
                found = await lookup.ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new GasleserUnreachableException(
                    $"the name '{endpoint.Host}' could not be resolved: {Describe(ex)}.", endpoint.ComputerName, ex);
            }

            if (found.Length == 0)
            {
                throw new GasleserUnreachableException($"the name '{endpoint.Host}' resolved to no address.", endpoint.ComputerName);
            }

            return found;
        }

        private static async Task<GasleserReading> RequestAsync(Socket socket, DeviceEndpoint endpoint, CancellationToken token)
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
                int read = await stream.ReadAsync(chunk, 0, chunk.Length, token).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                if (response.Append(chunk, read))
                {
                    return response.ToReading();
                }
            }
        }

        private static string Describe(SocketException ex) => ex.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
            SocketError.ConnectionReset => "the connection was reset",
            SocketError.HostNotFound => "host not found",
            SocketError.TryAgain => "name lookup failed",
            SocketError.HostUnreachable => "host unreachable",
            SocketError.NetworkUnreachable => "network unreachable",
            _ => ex.Message,
        };
    }
}
