/* Cell renderers for the accountability grids (dash-ag-grid): links built from ids and
   codes in the row, never from HTML (React escapes the text). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.AcCaseLink = function (props) {
  if (!props.data || !props.data.case_id) {
    return props.value || "";
  }
  return React.createElement("a", { href: "/accountability/case?id=" + encodeURIComponent(props.data.case_id) },
    props.value);
};

dagcomponentfuncs.AcCadreLink = function (props) {
  if (!props.data || !props.data.cadre_code) {
    return props.value || "";
  }
  return React.createElement("a", { href: "/accountability/cadre?code=" + encodeURIComponent(props.data.cadre_code) },
    props.value);
};

dagcomponentfuncs.AcApplicationLink = function (props) {
  if (!props.data || !props.data.application_id) {
    return props.value || "";
  }
  return React.createElement("a",
    { href: "/accountability/tolerance/application?id=" + encodeURIComponent(props.data.application_id) },
    props.value);
};
