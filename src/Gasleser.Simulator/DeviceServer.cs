using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser.Simulator
{
    /// <summary>
    /// Serves one <see cref="SimulatedDevice"/> over HTTP/1.1 on a loopback address and port,
    /// on a plain socket so that faults (hangs, dropped connections) are exactly what they say.
    /// </summary>
    public sealed class DeviceServer : IAsyncDisposable, IDisposable
    {
        private readonly object _listening = new object();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private TcpListener _listener;
        private bool _away;
        private Task _acceptLoop;
        private readonly List<Task> _connections = new List<Task>();

        public DeviceServer(SimulatedDevice device, IPAddress address, int port = 0)
        {
            Device = device;
            _listener = new TcpListener(address, port);
            _listener.Start(512);
            EndPoint = (IPEndPoint)_listener.LocalEndpoint;
            _acceptLoop = AcceptLoopAsync(_listener);
        }

        public SimulatedDevice Device { get; }

        public IPEndPoint EndPoint { get; }

        /// <summary>The address to give the module: "127.0.0.2:41234".</summary>
        public string Address => EndPoint.Address + ":" + EndPoint.Port;

        /// <summary>Raised for each request, after the device decided its answer.</summary>
        public event Action<DeviceRequest>? RequestServed;

        /// <summary>The device leaves the network: connections to it are refused until <see cref="ComeBack"/>.</summary>
        public void GoAway()
        {
            lock (_listening)
            {
                _away = true;
                _listener.Stop();
            }
        }

        /// <summary>The device is back on the same address and port.</summary>
        public void ComeBack()
        {
            lock (_listening)
            {
                _listener = new TcpListener(EndPoint);
                _listener.Start(512);
                _away = false;
                _acceptLoop = AcceptLoopAsync(_listener);
            }
        }

        private bool IsListening(TcpListener listener)
        {
            lock (_listening)
            {
                return ReferenceEquals(listener, _listener) && !_away;
            }
        }

        private async Task AcceptLoopAsync(TcpListener listener)
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested || !IsListening(listener))
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }

                lock (_connections)
                {
                    _connections.RemoveAll(t => t.IsCompleted);
                    _connections.Add(ServeAsync(client));
                }
            }
        }

        private async Task ServeAsync(Socket client)
        {
            using (client)
            {
                try
                {
                    using var stream = new NetworkStream(client, ownsSocket: false);
                    string? requestHead = await ReadRequestHeadAsync(stream).ConfigureAwait(false);
                    if (requestHead == null)
                    {
                        return;
                    }

                    string[] lines = requestHead.Split("\r\n");
                    string[] parts = lines[0].Split(' ');
                    string method = parts.Length > 0 ? parts[0] : "";
                    string path = parts.Length > 1 ? parts[1] : "";
                    string sender = lines.Skip(1)
                        .Where(l => l.StartsWith("User-Agent:", StringComparison.OrdinalIgnoreCase))
                        .Select(l => l.Substring("User-Agent:".Length).Trim())
                        .FirstOrDefault() ?? "unnamed client";
                    DeviceFault fault = Device.Fault;
                    var answer = Device.Answer(method, path, sender);
                    int? retryAfter = answer.Status == 429 ? Device.RetryAfterNow() : null;
                    RequestServed?.Invoke(Device.Requests.Last(r => r.Client == sender));

                    switch (fault)
                    {
                        case DeviceFault.Hang:
                            await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                            return;
                        case DeviceFault.DropConnection:
                            client.LingerState = new LingerOption(true, 0); // a reset, as a device that reboots
                            return;
                        case DeviceFault.Slow:
                            await Device.Delay(Device.SlowDelay, _stop.Token).ConfigureAwait(false);
                            break;
                    }

                    byte[] body = Encoding.UTF8.GetBytes(answer.Body);
                    if (fault == DeviceFault.ByteOrderMark && answer.Status == 200)
                    {
                        body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(body).ToArray();
                    }

                    string head = (fault == DeviceFault.Continue ? "HTTP/1.1 100 Continue\r\n\r\n" : "")
                        + $"HTTP/1.1 {answer.Status} {Reason(answer.Status)}\r\n"
                        + $"Content-Type: {answer.ContentType}\r\n"
                        + $"Content-Length: {body.Length}\r\n"
                        + (answer.Location != null ? $"Location: {answer.Location}\r\n" : "")
                        + (retryAfter is int seconds ? $"Retry-After: {seconds}\r\n" : "")
                        + (answer.Status == 503 && Device.RetryAfterSeconds is int unavailableFor ? $"Retry-After: {unavailableFor}\r\n" : "")
                        + "Connection: close\r\n\r\n";
                    if (fault == DeviceFault.BareLineFeeds)
                    {
                        head = head.Replace("\r\n", "\n");
                    }

                    byte[] headBytes = Encoding.ASCII.GetBytes(head);
                    await stream.WriteAsync(headBytes, _stop.Token).ConfigureAwait(false);
                    await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Send);
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is SocketException || ex is System.IO.IOException || ex is ObjectDisposedException)
                {
                    // The client went away or the server is stopping: nothing to answer.
                }
            }
        }

        private async Task<string?> ReadRequestHeadAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            byte[] buffer = new byte[1024];
            while (head.Length < 8192)
            {
                int read = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                string text = head.ToString();
                if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    return text.Substring(0, text.IndexOf("\r\n\r\n", StringComparison.Ordinal));
                }
            }

            return null;
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            302 => "Found",
            404 => "Not Found",
            401 => "Unauthorized",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        };

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            Task acceptLoop;
            lock (_listening)
            {
                _listener.Stop();
                acceptLoop = _acceptLoop;
            }

            Task[] running;
            lock (_connections)
            {
                running = _connections.ToArray();
            }

            try
            {
                await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                await acceptLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Stopping: whatever a connection was doing no longer matters.
            }

            _stop.Dispose();
        }

        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
