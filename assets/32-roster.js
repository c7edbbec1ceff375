/* The roster grid's action cell (cadres/pages/roster.py): propose a decision about the cadre,
   i.e. open their profile with the proposal form open and the decision searched for chosen. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.CaRosterPropose = function (props) {
  if (!props.data || !props.data.code) {
    return props.value || "";
  }
  var href = "/cadres/profile?code=" + encodeURIComponent(props.data.code) +
    "&propose=" + encodeURIComponent(props.data.decision || "promotion");
  return React.createElement("a", { href: href, className: "ca-ro-propose" }, props.value);
};
