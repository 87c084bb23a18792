using System.Net;
using System.Net.Sockets;

namespace Gasleser.Tests;

/// <summary>
/// A "device" below the simulator's level, on a loopback address of its own: for each connection it reads the
/// request (one read holds the whole small GET), then does with the connection what the test says — odd HTTP
/// framing, a reset, a flood, a hold. Whatever happens to the connection afterwards (the module hung up, the
/// test is over) is no error here.
/// </summary>
internal sealed class RawDeviceServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, NetworkStream, CancellationToken, Task> _behave;
    private readonly Task _loop;
    private int _connections;

    public RawDeviceServer(Func<Socket, NetworkStream, CancellationToken, Task> behave)
    {
        _behave = behave;
        _listener = new TcpListener(SimulatedDevices.NextLoopbackAddress(), 0);
        _listener.Start();
        Address = ((IPEndPoint)_listener.LocalEndpoint).ToString();
        _loop = Task.Run(LoopAsync);
    }

    public string Address { get; }

    public int Connections => Volatile.Read(ref _connections);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        CancellationToken token = _stop.Token;
        using (client)
        {
            try
            {
                var stream = new NetworkStream(client);
                _ = await stream.ReadAsync(new byte[4096], token);
                await _behave(client, stream, token);
            }
            catch (Exception)
            {
                // The module hung up on us, as it should, or the test is over.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _listener.Stop();
            await _loop;
        }
    }
}
