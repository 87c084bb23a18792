#Requires -Version 7.4
<#
    Errors as a user meets them at a prompt: each odd device answer and each typing mistake gets an
    exact error id, a message that says what was wrong, and nothing raw on the terminal.
    Against the device simulator on 127.0.0.1 only. Run by the test command, or alone after a build:
        dotnet pwsh tests/Invoke-PesterSuite.ps1 -Path tests/Errors.Tests.ps1
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    Import-Module (Get-GasleserManifest) -Force
    Use-TestPrivateFolder

    $base = Get-FreePort
    $Port = @{
        Normal      = $base
        HostileId   = $base + 1
        ClockNotSet = $base + 2
        ServerError = $base + 3
        Unavailable = $base + 4
        BareLF      = $base + 5
    }
    $Simulator = Start-GasleserSimulator -LogFolder $TestDrive -Device @(
        "127.0.0.1:$($Port.Normal)"
        "127.0.0.1:$($Port.HostileId)=HostileId"
        "127.0.0.1:$($Port.ClockNotSet)=ClockNotSet"
        "127.0.0.1:$($Port.ServerError)=ServerError"
        "127.0.0.1:$($Port.Unavailable)=Unavailable"
        "127.0.0.1:$($Port.BareLF)=BareLineFeeds"
    )

    # No C0/C1 control, bidi or zero-width character in any text.
    $Unsafe = '[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]'
}

AfterAll {
    $Simulator | Stop-GasleserSimulator
    Remove-Module Gasleser -ErrorAction SilentlyContinue
}

Describe 'What devices send' {
    It 'refuses a device id with terminal escapes and shows them escaped' {
        $null = Get-GasleserReading "127.0.0.1:$($Port.HostileId)" -ErrorVariable e -ErrorAction SilentlyContinue
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Gasleser.InvalidResponse*'
        $e[0].Exception.Message | Should -Not -Match $Unsafe
        $e[0].Exception.Message | Should -BeLike '*\u001B*'
        # As the host shows it, without PowerShell's own colours: line breaks, but no device escapes.
        $PSStyle.OutputRendering = 'PlainText'
        ($e[0] | Out-String) -replace '\r?\n', ' ' | Should -Not -Match $Unsafe
    }

    It 'says a device has not set its clock yet instead of dating a reading 1970' {
        $r = Get-GasleserReading "127.0.0.1:$($Port.ClockNotSet)" -ErrorVariable e -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $e[0].Exception.Message | Should -BeLike "*clock reads '523'*has not set its clock yet*"
        $e[0].Exception.Kind | Should -Be 'UnexpectedAnswer'
    }

    It 'reports an HTTP 500 as Gasleser.DeviceError with its status' {
        $null = Get-GasleserReading "127.0.0.1:$($Port.ServerError)" -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Gasleser.DeviceError*'
        $e[0].Exception | Should -BeOfType [Gasleser.GasleserDeviceErrorException]
        $e[0].Exception.StatusCode | Should -Be 500
        $e[0].Exception.Message | Should -BeLike '*HTTP 500 Internal Server Error*'
    }

    It 'lets a script catch a device error by its type' {
        $caught = try { Get-GasleserReading "127.0.0.1:$($Port.ServerError)" -ErrorAction Stop } catch [Gasleser.GasleserException] { $_.Exception.ErrorId }
        $caught | Should -Be 'Gasleser.DeviceError'
    }

    It 'reads an answer whose lines end in a bare LF' {
        (Get-GasleserReading "127.0.0.1:$($Port.BareLF)").DeviceId | Should -Match '^GAS_\d+$'
    }
}

Describe 'What users type' {
    It 'takes -Interval 60 as sixty seconds and refuses 5 quoting it' {
        { Watch-GasleserReading "127.0.0.1:$($Port.Normal)" -Interval 5 -Count 1 -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*'5' (5 s) is shorter than 10 s*"
        { Watch-GasleserReading "127.0.0.1:$($Port.Normal)" -Interval 50.00:00:00 -Count 1 -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*longer than the 24 h*"
        { Watch-GasleserReading "127.0.0.1:$($Port.Normal)" -Interval ([TimeSpan]::MaxValue) -Count 1 -ErrorAction Stop } |
            Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])
    }

    It 'reads -Duration 12 as seconds: one poll, not zero' {
        $r = Watch-GasleserReading "127.0.0.1:$($Port.Normal)" -Interval 12 -Duration 12
        $r | Should -HaveCount 1
    }

    It 'reads a decimal comma and refuses an ambiguous number' {
        $readings = 0..1 | ForEach-Object {
            [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = [datetimeoffset]::new(2026, 1, 15, 10 + $_, 0, 0, 0); TotalConsumption = 100 + $_ }
        }
        ($readings | Measure-GasleserUsage -TimeZone UTC -CalorificValue '11,2').Energy | Should -Be 11.2
        { $readings | Measure-GasleserUsage -TimeZone UTC -CalorificValue '1.234,5' -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*can be read more than one way*"
    }

    It 'says which properties a piped CSV row has when none names the address' {
        $row = [pscustomobject]@{ IP = "127.0.0.1:$($Port.Normal)"; Name = 'kitchen' }
        $null = $row | Get-GasleserReading -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Gasleser.InvalidAddress*'
        $e[0].Exception.Message | Should -BeLike '*its properties are: IP, Name*'
    }

    It 'names a Port that is not a number instead of using port 80' {
        $null = [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = 'abc' } | Get-GasleserReading -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception.Message | Should -BeLike "*Port 'abc' is not a port number*"
    }

    It 'never looks a hashtable up as a name' {
        $null = @{ ComputerName = '127.0.0.1' } | Get-GasleserReading -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception.Message | Should -BeLike '*A hashtable was piped*'
    }

    It 'refuses a zero-padded address everywhere, naming both readings' {
        $null = Get-GasleserReading '192.168.002.010' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception.Message | Should -BeLike '*192.168.2.8 to some*192.168.2.10 to others*'
        { Find-Gasleser -Method Sweep -Subnet 127.0.0.010-127.0.0.020 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*zero-padded*'
        $null = Get-GasleserSession '127.000.000.001' -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'Gasleser.InvalidAddress*'
    }

    It 'tells a URL with a login that none is needed' {
        $null = Get-GasleserReading 'http://user:pw@127.0.0.1/' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception.Message | Should -BeLike '*needs no login*'
    }

    It 'answers a broken wildcard with InvalidAddress, not a raw exception' {
        $null = Get-GasleserSession '[abc' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception | Should -BeOfType [Gasleser.GasleserInvalidAddressException]
    }
}
