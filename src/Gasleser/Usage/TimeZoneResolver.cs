using System;
using Gasleser.Dependencies;
using Gasleser.Loading;

namespace Gasleser.Usage
{
    /// <summary>
    /// Finds a time zone by IANA id ("Europe/Berlin") or Windows id ("W. Europe Standard Time") on every
    /// platform. .NET 8 on Linux maps both itself, but Windows PowerShell 5.1 (.NET Framework) knows only
    /// Windows ids, hence TimeZoneConverter's mapping table (through Gasleser.Dependencies).
    /// </summary>
    internal static class TimeZoneResolver
    {
        /// <summary>False for an id nobody knows; throws <see cref="GasleserDependencyException"/> when TimeZoneConverter cannot be loaded.</summary>
        public static bool TryResolve(string id, out TimeZoneInfo zone)
        {
            zone = TimeZoneInfo.Utc;
            if (string.IsNullOrWhiteSpace(id))
            {
                return false;
            }

            string trimmed = id.Trim();
            TimeZoneInfo? found = PrivateDependencies.Use(() => TimeZoneIds.Find(trimmed));
            if (found == null)
            {
                return false;
            }

            zone = found;
            return true;
        }
    }
}
