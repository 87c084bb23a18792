#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    What a user sees: a watch's first reading shown as it arrives, views that fit 80 columns, Find explaining
    itself, completion in a new shell, the module in runspace pools. Real pwsh processes, the simulator on
    127.0.0.1 only. Real clock: about half a minute.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    Import-Module (Get-GasleserManifest) -Force
    Use-TestPrivateFolder
    $script:Base = Get-FreePort
    $script:Sim = Start-GasleserSimulator -LogFolder $TestDrive -Device @(
        "127.0.0.1:$Base", "127.0.0.1:$($Base + 1)", "127.0.0.1:$($Base + 2)", "127.0.0.1:$($Base + 3)", "127.0.0.1:$($Base + 4)")
    # This file's own folder for slot files and the known-devices file, in this process and the ones it starts.
    $script:Slots = Join-Path $TestDrive 'slots'
    $script:UseSlots = "[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '$Slots')`n"
    [Gasleser.InternalHooks]::SetTestHook('PrivateFolder', $Slots)
}

AfterAll {
    $Sim | Stop-GasleserSimulator
    Remove-Module Gasleser -ErrorAction SilentlyContinue
}

Describe 'A watch in a real pwsh process' {
    It 'prints its first reading as it arrives, not with the second one 12 s later' {
        $port = $Base
        $started = Start-PwshProcess -LogFolder $TestDrive -Command ($UseSlots + "Watch-GasleserReading 127.0.0.1:$port -Count 2")
        $firstRowAt = $null
        $deadline = [DateTime]::Now.AddSeconds(40)
        while (-not $started.Process.HasExited -and [DateTime]::Now -lt $deadline -and -not $firstRowAt) {
            if ((Test-Path $started.Out) -and (Select-String -Path $started.Out -Pattern "^127\.0\.0\.1:$port " -Quiet)) { $firstRowAt = [DateTime]::Now.TimeOfDay }
            else { Start-Sleep -Milliseconds 20 }
        }
        $result = $started | Wait-PwshProcess -TimeoutSec 60
        $answers = @(Get-SimulatorRequest -Simulator $Sim -Port $port)

        $answers.Status | Should -Be @(200, 200)
        $firstRowAt | Should -Not -BeNullOrEmpty
        $latency = ($firstRowAt - $answers[0].Time).TotalSeconds
        Write-Host "first row on stdout $([math]::Round($latency, 3)) s after the device's answer"
        $latency | Should -BeLessThan 3
        $firstRowAt | Should -BeLessThan $answers[1].Time
        ($result.Output -split "`n" | Where-Object { $_ -match "^127\.0\.0\.1:$port " }).Count | Should -Be 2
    }
}

Describe 'Views at 80 columns' {
    It 'Get-GasleserReading fits 80 columns with every header whole' {
        $text = Get-GasleserReading "127.0.0.1:$($Base + 1)" | Format-Table | Out-String -Width 80
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 79 }
        $lines[0] | Should -Match 'ComputerName +DeviceId +Time \(local\) +Total \(m³\) Flow \(m³/h\)'
        $lines[2] | Should -Match 'GAS_\d+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[\d,.]+ +[\d.]+$'
    }

    It 'Measure-GasleserUsage shows kWh and cost when it has the bill' {
        $t0 = [DateTimeOffset]'2026-01-05T00:00:00Z'
        $text = 0..24 | ForEach-Object { [pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = $t0.AddHours($_); TotalConsumption = 100 + $_ } } |
            Measure-GasleserUsage -TimeZone UTC -CalorificValue 11.2 -PricePerKWh 0.12 | Format-Table | Out-String -Width 80
        $text | Should -Match 'Energy \(kWh\) +Cost'
        $text | Should -Match 'GAS_1 +2026-01-05 00:00 +24\.000 +268\.80 +32\.26'
    }
}

Describe 'Find-Gasleser explains itself' {
    It '-WhatIf says what would be probed and the device sees nothing' {
        $port = $Base + 2
        # "What if:" goes to the host: in a child process it lands on stdout.
        $child = Invoke-Pwsh -Command ($UseSlots + "Find-Gasleser -Subnet 127.0.0.0/29 -Port $port -WhatIf")

        $child.Output | Should -Match "What if: Find-Gasleser would sweep 6 address\(es\) \(127\.0\.0\.0/29\) with GET /v1/data on port $port\."
        @(Get-SimulatorRequest -Simulator $Sim -Port $port) | Should -HaveCount 0
    }

    It 'ends with a verbose summary, and warns with the likely causes when nothing answered' {
        $nobody = $Base + 9
        $verbose = Find-Gasleser -Subnet 127.0.0.0/30 -Port $nobody -Verbose -WarningVariable warned -WarningAction SilentlyContinue 4>&1

        ($verbose | Select-Object -Last 1).Message | Should -Be "Find-Gasleser swept 2 address(es) on port $nobody (127.0.0.0/30): no Gasleser answered."
        $warned | Should -HaveCount 1
        "$warned" | Should -Match '-Port'
    }
}

Describe 'Completion in a new shell' {
    It 'offers a device another process reached, with its id in the tooltip' {
        $port = $Base + 3
        (Invoke-Pwsh -Command ($UseSlots + "Get-GasleserReading 127.0.0.1:$port | ForEach-Object DeviceId")).Output | Should -Match 'GAS_'

        $line = 'Get-GasleserReading 127.0.0.1:' + $port.ToString().Substring(0, 2)
        $offered = Invoke-Pwsh -Command ($UseSlots + "(TabExpansion2 -inputScript '$line' -cursorColumn $($line.Length)).CompletionMatches | ForEach-Object { `$_.CompletionText + '|' + `$_.ToolTip }")

        $offered.Output | Should -Match "127\.0\.0\.1:$port\|127\.0\.0\.1:${port}: GAS_\d+, last reached"
    }
}

Describe 'Runspace pools (docs/parallel.md)' {
    It 'a pool opened from an InitialSessionState that imports the module reads without errors and keeps the 10 s spacing' {
        $port = $Base + 4
        $iss = [InitialSessionState]::CreateDefault2()
        $iss.ImportPSModule((Get-GasleserManifest))
        $pool = [RunspaceFactory]::CreateRunspacePool(1, 4, $iss, $Host)
        $pool.Open()
        try {
            $jobs = 1..3 | ForEach-Object {
                $ps = [PowerShell]::Create()
                $ps.RunspacePool = $pool
                [void]$ps.AddScript("Get-GasleserReading 127.0.0.1:$port")
                [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            $readings = foreach ($job in $jobs) {
                $job.PowerShell.EndInvoke($job.Handle)
                $job.PowerShell.Streams.Error | Should -HaveCount 0
                $job.PowerShell.Dispose()
            }
        }
        finally { $pool.Dispose() }

        $readings | Should -HaveCount 3
        Get-SimulatorStatus -Simulator $Sim -Port $port | Should -Be @(200, 200, 200)
        Get-RequestGap -Simulator $Sim -Port $port | ForEach-Object { $_ | Should -BeGreaterOrEqual 10 }
    }

    It 'ForEach-Object -Parallel with Import-Module inside works' {
        $manifest = Get-GasleserManifest
        $ids = 1..3 | ForEach-Object -Parallel {
            Import-Module $using:manifest
            (Get-Module Gasleser).Name
        } -ThrottleLimit 3
        $ids | Should -Be @('Gasleser', 'Gasleser', 'Gasleser')
    }
}
