using System;
using TimeZoneConverter;

namespace Gasleser.Usage
{
    /// <summary>
    /// Finds a time zone by IANA id ("Europe/Berlin") or Windows id ("W. Europe Standard Time") on every
    /// platform. .NET 8 on Linux maps both itself, but Windows PowerShell 5.1 (.NET Framework) knows only
    /// Windows ids, hence TimeZoneConverter's mapping table.
    /// </summary>
    internal static class TimeZoneResolver
    {
        public static bool TryResolve(string id, out TimeZoneInfo zone)
        {
            zone = TimeZoneInfo.Utc;
            if (string.IsNullOrWhiteSpace(id))
            {
                return false;
            }

            try
            {
                if (TZConvert.TryGetTimeZoneInfo(id.Trim(), out TimeZoneInfo? found) && found != null)
                {
                    zone = found;
                    return true;
                }
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException || ex is InvalidTimeZoneException || ex is ArgumentException)
            {
                // a name the mapping knows but this machine lacks: not found
            }

            return false;
        }
    }
}
