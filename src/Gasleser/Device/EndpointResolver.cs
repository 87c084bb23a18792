using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser
{
    /// <summary>
    /// The addresses an endpoint reaches, looked up once per exchange: the turn is keyed by them and the
    /// connection tries them, so the turn claimed is the device's that is asked. IPv4 first (a device on the LAN
    /// is reached over IPv4; its slot file is the IPv4 one when there is one), then IPv6, each in DNS order. An
    /// IPv4-mapped IPv6 address is taken as the IPv4 address it is.
    /// </summary>
    internal static class EndpointResolver
    {
        /// <exception cref="GasleserTimeoutException">The lookup did not finish within <paramref name="timeout"/>.</exception>
        /// <exception cref="GasleserUnreachableException">The name could not be looked up, or has no address.</exception>
        public static async Task<IPAddress[]> ResolveAsync(DeviceEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (endpoint.Address != null)
            {
                return new[] { AsConnected(endpoint.Address) };
            }

            // Dns.GetHostAddressesAsync takes no token on netstandard2.0: the wait for it is what is bounded.
            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(endpoint.Host);
            using var gaveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            gaveUp.CancelAfter(timeout);
            var stopped = new TaskCompletionSource<bool>();
            using (gaveUp.Token.Register(() => stopped.TrySetResult(true)))
            {
                if (await Task.WhenAny(lookup, stopped.Task).ConfigureAwait(false) != lookup)
                {
                    _ = lookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw ExchangeCauses.LookupTimedOut(endpoint.ComputerName, endpoint.Host, timeout);
                }
            }

            IPAddress[] found;
            try
            {
                found = await lookup.ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw ExchangeCauses.LookupFailed(endpoint.ComputerName, endpoint.Host, ex);
            }

            if (found.Length == 0)
            {
                throw ExchangeCauses.NoAddress(endpoint.ComputerName, endpoint.Host);
            }

            return found.Select(AsConnected).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).Distinct().ToArray();
        }

        // An IPv4-mapped IPv6 address (::ffff:127.0.6.8) is the IPv4 address it holds: an IPv6-only socket cannot
        // reach it, an IPv4 socket can, and it shares that address's turn.
        private static IPAddress AsConnected(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
